import { planFor } from "./accounts.js";
import { apiKeyDigest, isWellFormedApiKey } from "./apiKey.js";
import { ApiError } from "./errors.js";
import type {
  AccountStatus,
  AccountStore,
  ApiKeyRecord,
  AuthFailureLimiter,
  Plan,
} from "./ports/accounts.js";
import type { Clock } from "./ports/clock.js";
import { TtlCache } from "./ttlCache.js";

/** Who a request acts as once its key is verified. */
export interface Principal {
  accountId: string;
  keyKind: ApiKeyRecord["kind"];
  instanceId?: string;
  status: AccountStatus;
  plan: Plan;
}

// A rotated-away key keeps working on a warm server for at most this long (the documented bound).
export const KEY_CACHE_TTL_MS = 5_000;
/** Known-bad digests cached apart from good ones, with their own bound: misses never evict real keys. */
export const MISS_CACHE_MAX = 10_000;
/** How long a key verified as valid may skip its address's failure block (it still costs a lookup). */
export const RECENTLY_VALID_TTL_MS = 10 * 60_000;

export class ApiKeyVerifier {
  private readonly hits: TtlCache<Principal>;
  private readonly misses: TtlCache<true>;
  /** Digests verified valid lately: their address's block does not apply (a store read still decides). */
  private readonly recentlyValid: TtlCache<true>;
  // Bumped by forget(): a load that started before a rotation must not cache the rotated-away key.
  private generation = 0;

  constructor(
    private readonly store: AccountStore,
    private readonly pepper: Buffer,
    clock: Clock,
    ttlMs = KEY_CACHE_TTL_MS,
    private readonly failures?: AuthFailureLimiter,
  ) {
    this.hits = new TtlCache(ttlMs, 50_000, clock);
    this.misses = new TtlCache(ttlMs, MISS_CACHE_MAX, clock);
    this.recentlyValid = new TtlCache(RECENTLY_VALID_TTL_MS, 50_000, clock);
  }

  /**
   * Resolves a key to its principal; cached hits and misses cost no Firestore read. `address` is the
   * client's (see http/common/clientAddress.ts): past its failure limit, keys not cached as valid are
   * refused with 429 before any lookup.
   */
  async verify(apiKey: string | undefined, address = "unknown"): Promise<Principal> {
    if (!apiKey) throw new ApiError("UNAUTHENTICATED", "Missing X-Api-Key header.");
    if (!isWellFormedApiKey(apiKey)) throw new ApiError("UNAUTHENTICATED", "Malformed API key.");
    const digest = apiKeyDigest(apiKey, this.pepper);
    const hit = this.hits.get(digest);
    const principal = hit ? hit.value : await this.verifyUncached(digest, address);
    if (principal.status !== "active") throw new ApiError("FORBIDDEN", "This account is suspended.");
    return principal;
  }

  /** Drops a digest at once (the rotating server needs no grace period), and any load in flight for it. */
  forget(digest: string): void {
    this.generation++;
    this.hits.delete(digest);
    this.misses.delete(digest);
    this.recentlyValid.delete(digest);
  }

  private async verifyUncached(digest: string, address: string): Promise<Principal> {
    // A cached miss costs no lookup, so it is refused without counting (429 while the address is blocked).
    if (this.misses.get(digest)) return this.refuse(address, digest, false);
    if (!this.recentlyValid.get(digest)) await this.checkBlocked(address, digest);
    const started = this.generation;
    const principal = await this.load(digest);
    const current = started === this.generation;
    if (!principal) {
      if (current) this.misses.set(digest, true);
      return this.refuse(address, digest);
    }
    if (current) {
      this.hits.set(digest, principal);
      if (!this.recentlyValid.get(digest)) await this.failures?.validated(digest);
      this.recentlyValid.set(digest, true);
    }
    return principal;
  }

  private async checkBlocked(address: string, digest: string): Promise<void> {
    const wait = (await this.failures?.blockedFor(address, digest)) ?? 0;
    if (wait > 0) {
      throw new ApiError(
        "RATE_LIMITED",
        "Too many failed authentications from your address: wait before trying other keys.",
        { "retry-after": String(wait) },
      );
    }
  }

  private async refuse(address: string, digest: string, count = true): Promise<never> {
    await this.checkBlocked(address, digest);
    if (count) await this.failures?.record(address);
    throw new ApiError("UNAUTHENTICATED", "Unknown or revoked API key.");
  }

  private async load(digest: string): Promise<Principal | null> {
    const record = await this.store.findApiKey(digest);
    if (!record) return null;
    const account = await this.store.getAccount(record.accountId);
    if (!account) return null;
    return {
      accountId: record.accountId,
      keyKind: record.kind,
      ...(record.instanceId ? { instanceId: record.instanceId } : {}),
      status: account.status,
      plan: await planFor(this.store, account.planId),
    };
  }
}
