import { hkdfSync } from "node:crypto";
import type { RuntimeConfig } from "../config.js";
import type { Core } from "./bootstrap.js";

/**
 * Rate limits on the shared Redis (WSAPI_REDIS_URL; memory only when unset, which only the emulators
 * allow) and the client address they count. Behind Google's load balancer (api) and Hosting
 * (dashboard) one proxy address follows the client's in X-Forwarded-For; locally none does.
 */
export async function buildLimits(config: RuntimeConfig, core: Core) {
  const [limiters, { clientAddress }] = await Promise.all([
    import("../adapters/rateLimiter.js"),
    import("../http/common/clientAddress.js"),
  ]);
  const client = config.redisUrl
    ? await limiters.redisClient(config.redisUrl, config.redisAuth, 2_000)
    : null;
  const factory = limiters.limiterFactory({
    client,
    logs: core.deps.logs,
    addressSecret: Buffer.from(hkdfSync("sha256", core.deps.pepper, Buffer.alloc(0), "wsapi-address-v1", 32)),
  });
  const trustedHops = config.emulated ? 0 : 1;
  return { limiters, factory, clientAddress: (headers: Headers) => clientAddress(headers, trustedHops) };
}
