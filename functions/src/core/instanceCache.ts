import type { Instance } from "./instances.js";
import type { Clock } from "./ports/clock.js";
import type { InstanceStore } from "./ports/instances.js";
import { TtlCache } from "./ttlCache.js";

/**
 * Instances the gateway forwards to, cached 5 s. Only running ones are cached, so one that just
 * finished provisioning is seen at once; a deleted one is forgotten at once on the server that deleted it.
 */
export function instanceCache(instances: Pick<InstanceStore, "get">, clock: Clock) {
  const cache = new TtlCache<Instance>(5_000, 50_000, clock);
  const keyOf = (accountId: string, instanceId: string) => `${accountId}/${instanceId}`;
  return {
    async find(accountId: string, instanceId: string) {
      const cached = cache.get(keyOf(accountId, instanceId));
      if (cached) return cached.value;
      const instance = await instances.get(accountId, instanceId);
      if (instance?.runtime.state === "running") cache.set(keyOf(accountId, instanceId), instance);
      return instance;
    },
    forget: (accountId: string, instanceId: string) => cache.delete(keyOf(accountId, instanceId)),
  };
}
