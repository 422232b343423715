// The real gateway app over in-memory stores, with one account (its key returned) owning one
// instance; forwarding and tokens are the caller's. Used by gateway unit tests and the benchmark.
import { randomBytes } from "node:crypto";
import { memoryRateLimiter } from "../../src/adapters/rateLimiter.js";
import { ensureAccount, revealAccountKey } from "../../src/core/accounts.js";
import { defaultSettings, EMPTY_DEFAULTS, type Instance } from "../../src/core/instances.js";
import { ApiKeyVerifier } from "../../src/core/keyVerifier.js";
import { createLogger, logEvents } from "../../src/core/logs.js";
import { systemClock } from "../../src/core/ports/clock.js";
import type { Metrics } from "../../src/core/ports/metrics.js";
import type { StatsRecorder } from "../../src/core/stats/record.js";
import { createApiApp } from "../../src/http/api/app.js";
import type { ForwardDeps } from "../../src/http/common/instanceForward.js";
import { memoryEventLog } from "./memoryEventLog.js";
import { memoryIdempotencyStore } from "./memoryIdempotency.js";
import { fakeClock, memoryAccountStore, memoryKeyRing } from "./memoryStores.js";
import { memoryTimelines } from "./memoryTimelines.js";

export interface MemoryGatewayOptions extends Pick<ForwardDeps, "signToken" | "idToken" | "forward"> {
  accountId: string;
  /** The one instance the account owns, with its runtime (running, at some URL). */
  instance: { instanceId: string; runtimeId: string; url: string };
  requestsPerMinute: number;
  /** Where the gateway's log lines go (discarded by default). */
  logSink?: (line: string) => void;
  /** How long one event stream stays open (default 2 s) and how often it polls (default 20 ms). */
  stream?: { maxMs?: number; pollMs?: number; keepAliveMs?: number };
  /** Request metrics (the benchmark measures their cost); none by default. */
  metrics?: Metrics;
  /** Counts API sends (core/stats/); none by default. */
  stats?: StatsRecorder;
}

export async function memoryGateway(options: MemoryGatewayOptions) {
  const memory = memoryAccountStore();
  const logs = logEvents(createLogger(options.logSink ?? (() => {})));
  const accountDeps = {
    store: memory.store,
    keyRing: memoryKeyRing({ 1: randomBytes(32) }, 1),
    pepper: randomBytes(32),
    clock: fakeClock(),
    logs,
  };
  memory.plans.set("free", { id: "free", instanceLimit: 1, requestsPerMinute: options.requestsPerMinute });
  await ensureAccount(accountDeps, options.accountId, `${options.accountId}@example.com`, options.accountId);
  const apiKey = await revealAccountKey(accountDeps, options.accountId, "req_setup");
  const { instanceId, runtimeId, url } = options.instance;
  const instance = {
    instanceId,
    accountId: options.accountId,
    runtimeId,
    runtime: { state: "running", url, updatedAt: 0 },
    settings: defaultSettings(EMPTY_DEFAULTS),
  } as unknown as Instance;
  const eventLog = memoryEventLog();
  const timelines = memoryTimelines();
  const app = createApiApp({
    verifier: new ApiKeyVerifier(memory.store, accountDeps.pepper, systemClock),
    instanceDeps: async () => {
      throw new Error("the account API is not served by the memory gateway");
    },
    findInstance: async (accountId, id) =>
      accountId === options.accountId && id === instanceId ? instance : undefined,
    forgetInstance: () => {},
    signToken: options.signToken,
    idToken: options.idToken,
    rateLimit: memoryRateLimiter(),
    idempotency: { idempotency: memoryIdempotencyStore(), ...accountDeps },
    eventStream: {
      log: eventLog.store,
      keyRing: accountDeps.keyRing,
      clock: systemClock,
      pollMs: options.stream?.pollMs ?? 20,
      maxMs: options.stream?.maxMs ?? 2_000,
      keepAliveMs: options.stream?.keepAliveMs ?? 10_000,
      logs,
    },
    timelines: timelines.store,
    forward: options.forward,
    logs,
    ...(options.stats ? { stats: options.stats } : {}),
    production: false,
    ...(options.metrics ? { metrics: options.metrics } : {}),
  });
  return { app, apiKey, instance, eventLog, timelines, keyRing: accountDeps.keyRing };
}
