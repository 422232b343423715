import { decrypt } from "./aead.js";
import { INSTANCE_SECRETS } from "./instanceService.js";
import type { Instance } from "./instances.js";
import type { Clock } from "./ports/clock.js";
import type { InstanceStore } from "./ports/instances.js";
import type { KeyRing } from "./ports/keyRing.js";
import { TtlCache } from "./ttlCache.js";

interface RuntimeSecret {
  accountId: string;
  instanceId: string;
  secret: Uint8Array;
}

/**
 * The instance a runtime speaks for and the secret its tokens are signed with. The secret and the
 * runtime → instance mapping change only on deletion, so they are cached for a minute; the instance
 * itself is read on every call so new settings apply to the very next event.
 */
export function runtimeCredentials(deps: { instances: InstanceStore; keyRing: KeyRing; clock: Clock }) {
  const secrets = new TtlCache<RuntimeSecret | null>(60_000, 50_000, deps.clock);
  async function loadSecret(runtimeId: string): Promise<RuntimeSecret | null> {
    const [instance, stored] = await Promise.all([
      deps.instances.getByRuntime(runtimeId),
      deps.instances.getSecrets(runtimeId),
    ]);
    if (!instance || !stored?.runtimeSecret) return null;
    const context = { collection: INSTANCE_SECRETS, docId: runtimeId, field: "runtimeSecret" };
    // Stored as base64url text; instances sign with its decoded bytes.
    const text = (await decrypt(deps.keyRing, stored.runtimeSecret, context)).toString("utf8");
    return {
      accountId: instance.accountId,
      instanceId: instance.instanceId,
      secret: Buffer.from(text, "base64url"),
    };
  }
  return async (runtimeId: string): Promise<{ instance: Instance; secret: Uint8Array } | undefined> => {
    const cached = await secrets.getOrLoad(runtimeId, () => loadSecret(runtimeId));
    if (!cached) return undefined;
    const instance = await deps.instances.get(cached.accountId, cached.instanceId);
    return instance?.runtimeId === runtimeId ? { instance, secret: cached.secret } : undefined;
  };
}
