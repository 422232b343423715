import type { RuntimeConfig } from "../config.js";
import { instanceCache } from "../core/instanceCache.js";
import { ApiKeyVerifier, KEY_CACHE_TTL_MS } from "../core/keyVerifier.js";
import type { ApiDeps } from "../http/api/deps.js";
import { buildCore, HTTP_STORE_DEADLINE_MS } from "./bootstrap.js";
import { buildInstanceAccess, buildInstanceDeps } from "./instances.js";
import { buildLimits } from "./limits.js";
import { buildMetrics } from "./metrics.js";
import { buildStatsRecorder } from "./stats.js";
import { buildEventStreamDeps } from "./webhooks.js";

/** The api function: key verification, rate limits, instance use-cases and forwarding. */
export async function buildApiDeps(config: RuntimeConfig): Promise<ApiDeps> {
  const core = await buildCore(config, { storeDeadlineMs: HTTP_STORE_DEADLINE_MS });
  const [limits, { firestoreIdempotencyStore }, { firestoreMessageTimelineStore }] = await Promise.all([
    buildLimits(config, core),
    import("../adapters/firestore/idempotencyStore.js"),
    import("../adapters/firestore/messageTimelineStore.js"),
  ]);
  const verifier = new ApiKeyVerifier(
    core.deps.store,
    core.deps.pepper,
    core.deps.clock,
    KEY_CACHE_TTL_MS,
    limits.limiters.authFailureLimiter(limits.factory),
  );
  const instanceDeps = await buildInstanceDeps(core, config, (digest) => verifier.forget(digest));
  const instances = instanceCache(core.instances, core.deps.clock);
  instanceDeps.forgetInstance = instances.forget;
  return {
    verifier,
    instanceDeps: async () => instanceDeps,
    findInstance: instances.find,
    forgetInstance: instances.forget,
    ...(await buildInstanceAccess(config)),
    rateLimit: limits.limiters.planRateLimiter(limits.factory),
    idempotency: {
      idempotency: core.bound(firestoreIdempotencyStore(core.db)),
      keyRing: core.deps.keyRing,
      pepper: core.deps.pepper,
      clock: core.deps.clock,
    },
    eventStream: await buildEventStreamDeps(core),
    timelines: core.bound(firestoreMessageTimelineStore(core.db)),
    clientAddress: limits.clientAddress,
    logs: core.deps.logs,
    metrics: await buildMetrics(config, "api"),
    stats: await buildStatsRecorder(core),
    production: !config.emulated,
  };
}
