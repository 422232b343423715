import { createHmac } from "node:crypto";
import type { Redis } from "ioredis";
import {
  type RateLimiterAbstract,
  RateLimiterMemory,
  RateLimiterRedis,
  RateLimiterRes,
} from "rate-limiter-flexible";
import { RECENTLY_VALID_TTL_MS } from "../core/keyVerifier.js";
import type { LogEvents } from "../core/logs.js";
import type { AuthFailureLimiter } from "../core/ports/accounts.js";
import { systemClock } from "../core/ports/clock.js";
import { TtlCache } from "../core/ttlCache.js";
import type { RateLimiter, RateLimitResult } from "../http/api/deps.js";

// Global limits: counters live in Redis (Memorystore in production, redis-server locally), so every
// function instance shares them. When Redis is unreachable each instance falls back to a bounded
// in-memory limiter (rate-limiter-flexible's insuranceLimiter): limits then count per instance again,
// and a named warning is logged once per outage.

/** Keys the insurance limiter tracks at most; past it, its counters restart (memory stays bounded). */
export const INSURANCE_MAX_KEYS = 10_000;

/** A RateLimiterMemory whose key count is bounded and which reports each use (= Redis failed). */
class BoundedMemoryLimiter extends RateLimiterMemory {
  constructor(
    options: { points: number; duration: number; keyPrefix: string },
    private readonly maxKeys: number,
    private readonly onUse: () => void,
  ) {
    super(options);
  }

  private guard(): void {
    this.onUse();
    const storage = (this as unknown as { _memoryStorage: { _storage: Map<string, unknown> } })._memoryStorage
      ._storage;
    if (storage.size >= this.maxKeys) storage.clear();
  }

  override consume(key: string | number, points?: number, options?: { [key: string]: unknown }) {
    this.guard();
    return super.consume(key, points, options);
  }

  override get(key: string | number, options?: { [key: string]: unknown }) {
    this.guard();
    return super.get(key, options);
  }

  override penalty(key: string | number, points?: number, options?: { [key: string]: unknown }) {
    this.guard();
    return super.penalty(key, points, options);
  }
}

/** One named limit: `points` per `duration` seconds per key. */
export interface Limit {
  /** Counts one point; allowed is false once the window's points are used up. */
  consume(key: string): Promise<RateLimitResult>;
  /** The key's state without counting (allowed false while its points are used up). */
  peek(key: string): Promise<RateLimitResult>;
}

export interface LimiterFactory {
  window(name: string, points: number, durationSeconds: number): Limit;
  /** Redis keys of client addresses: an HMAC, so no address is stored in clear. */
  addressKey(address: string): string;
  /** Sets a shared flag for `seconds` (memory on this instance too, so an outage keeps it). */
  mark(kind: string, id: string, seconds: number): Promise<void>;
  isMarked(kind: string, id: string): Promise<boolean>;
  close(): Promise<void>;
}

function toResult(res: RateLimiterRes | null, points: number, allowed: boolean): RateLimitResult {
  const remaining = res ? Math.max(points - res.consumedPoints, 0) : points;
  const resetSeconds = res ? Math.max(1, Math.ceil(res.msBeforeNext / 1000)) : 0;
  return { allowed, limit: points, remaining, resetSeconds };
}

function wrap(limiter: RateLimiterAbstract, points: number): Limit {
  return {
    async consume(key) {
      try {
        return toResult(await limiter.consume(key), points, true);
      } catch (rejection) {
        if (!(rejection instanceof RateLimiterRes)) throw rejection;
        return { ...toResult(rejection, points, false), remaining: 0 };
      }
    },
    async peek(key) {
      const res = await limiter.get(key);
      const allowed = !res || res.consumedPoints < points;
      return toResult(res, points, allowed);
    },
  };
}

/**
 * Limits on Redis with a bounded memory insurance limiter each. `client` null: memory only (tools and
 * unit tests; the functions always pass one). Commands fail fast while Redis is down (no offline queue),
 * so requests never wait on it.
 */
export function limiterFactory(options: {
  client: Redis | null;
  logs: Pick<LogEvents, "rateLimitStoreUnavailable" | "rateLimitStoreRecovered">;
  addressSecret: Buffer;
  maxKeys?: number;
}): LimiterFactory {
  const { client, logs } = options;
  let outage = false;
  const onInsurance = () => {
    if (client && !outage) {
      outage = true;
      logs.rateLimitStoreUnavailable(client.status);
    }
  };
  client?.on("ready", () => {
    if (outage) {
      outage = false;
      logs.rateLimitStoreRecovered();
    }
  });
  // ioredis emits "error" while reconnecting; without a listener Node would log each one.
  client?.on("error", () => {});
  const limits = new Map<string, Limit>();
  const marks = new TtlCache<true>(RECENTLY_VALID_TTL_MS, options.maxKeys ?? INSURANCE_MAX_KEYS, systemClock);
  const ready = () => client?.status === "ready";
  return {
    async mark(kind, id, seconds) {
      marks.set(`${kind}:${id}`, true);
      if (!ready()) return onInsurance();
      await client!.set(`wsapi:${kind}:${id}`, "1", "EX", seconds).catch(onInsurance);
    },
    async isMarked(kind, id) {
      if (marks.get(`${kind}:${id}`)) return true;
      if (!ready()) return false;
      return (await client!.exists(`wsapi:${kind}:${id}`).catch(() => 0)) === 1;
    },
    window(name, points, duration) {
      const id = `${name}:${points}:${duration}`;
      let limit = limits.get(id);
      if (!limit) {
        const keyPrefix = `wsapi:${id}`;
        const insurance = new BoundedMemoryLimiter(
          { points, duration, keyPrefix },
          options.maxKeys ?? INSURANCE_MAX_KEYS,
          onInsurance,
        );
        const limiter = client
          ? new RateLimiterRedis({
              storeClient: client,
              points,
              duration,
              keyPrefix,
              rejectIfRedisNotReady: true,
              insuranceLimiter: insurance,
            })
          : insurance;
        limit = wrap(limiter, points);
        limits.set(id, limit);
      }
      return limit;
    },
    addressKey: (address) =>
      createHmac("sha256", options.addressSecret).update(address).digest("base64url").slice(0, 22),
    async close() {
      if (client) await client.quit().catch(() => client.disconnect());
    },
  };
}

/**
 * An ioredis client for the limiters: fails fast (no offline queue, short timeouts), reconnects
 * forever. Waits up to `readyMs` for the first connection so a cold start counts globally at once.
 */
export async function redisClient(url: string, password: string | undefined, readyMs = 0): Promise<Redis> {
  const { Redis } = await import("ioredis");
  const client = new Redis(url, {
    ...(password ? { password } : {}),
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    connectTimeout: 2_000,
    commandTimeout: 500,
    retryStrategy: (attempt) => Math.min(attempt * 200, 5_000),
  });
  if (readyMs > 0) {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, readyMs);
      client.once("ready", () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
  return client;
}

/** The plan's per-minute limit, per account, on shared counters. */
export function planRateLimiter(factory: LimiterFactory): RateLimiter {
  return (accountId, requestsPerMinute) => factory.window("plan", requestsPerMinute, 60).consume(accountId);
}

/** Per-instance token buckets keyed by account (benchmarks and tools without Redis). */
export function memoryRateLimiter(): RateLimiter {
  return planRateLimiter(
    limiterFactory({
      client: null,
      logs: { rateLimitStoreUnavailable: () => {}, rateLimitStoreRecovered: () => {} },
      addressSecret: Buffer.alloc(32),
    }),
  );
}

/** Failed authentications allowed per client address per minute before unknown keys get 429. */
const AUTH_FAILURES_PER_MINUTE = 30;

/**
 * core/keyVerifier.ts's failure limiter on the shared store, keyed by an HMAC of the address. Digests
 * verified as valid are marked in Redis too (for RECENTLY_VALID_TTL_MS), so a real key reaching a
 * fresh function instance during a flood from its own address is still looked up, not refused.
 */
export function authFailureLimiter(factory: LimiterFactory): AuthFailureLimiter {
  const limit = factory.window("authfail", AUTH_FAILURES_PER_MINUTE, 60);
  return {
    async blockedFor(address, digest) {
      const state = await limit.peek(factory.addressKey(address));
      if (state.allowed || (await factory.isMarked("valid", digest))) return 0;
      return state.resetSeconds;
    },
    async record(address) {
      await limit.consume(factory.addressKey(address));
    },
    validated: (digest) => factory.mark("valid", digest, RECENTLY_VALID_TTL_MS / 1000),
  };
}

/** Sign-ups per client address per window (WSAPI_SIGNUP_LIMIT). */
export function signupLimiter(
  factory: LimiterFactory,
  limit: { points: number; windowSeconds: number },
): (address: string) => Promise<RateLimitResult> {
  const signups = factory.window("signup", limit.points, limit.windowSeconds);
  return (address) => signups.consume(factory.addressKey(address));
}
