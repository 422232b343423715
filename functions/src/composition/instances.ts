import type { RuntimeConfig } from "../config.js";
import { emailVerificationCheck } from "../core/accounts.js";
import type { InstanceDeps } from "../core/instanceService.js";
import type { Instance } from "../core/instances.js";
import type { Provisioner } from "../core/ports/instances.js";
import { queueName } from "../deployment.js";
import type { ForwardDeps } from "../http/common/instanceForward.js";
import type { Core } from "./bootstrap.js";
import { buildStatsStore } from "./stats.js";

// What the api and dashboard functions share: instance use-cases and the signed way into instances.

async function taskProvisioner(core: Core): Promise<Provisioner> {
  const { getFunctions } = await import("firebase-admin/functions");
  const queue = getFunctions(core.app).taskQueue<{ action: string; runtimeId: string; cellId?: string }>(
    queueName("provisioninstance"),
  );
  return {
    provision: (runtimeId) => queue.enqueue({ action: "provision", runtimeId }),
    teardown: (runtimeId, cellId) =>
      queue.enqueue({ action: "teardown", runtimeId, ...(cellId ? { cellId } : {}) }),
    restart: (runtimeId) => queue.enqueue({ action: "restart", runtimeId }),
  };
}

/** What instance deletion needs besides the stores: its job records and the device logout. */
async function deletionDeps(core: Core, config: RuntimeConfig) {
  const [{ firestoreInstanceDeletionStore }, { deviceLogout }] = await Promise.all([
    import("../adapters/firestore/instanceDeletionStore.js"),
    import("../http/common/deviceLogout.js"),
  ]);
  // Built on first use: most cold starts never delete an instance.
  let logout: Promise<ReturnType<typeof deviceLogout>> | undefined;
  return {
    deletions: core.bound(firestoreInstanceDeletionStore(core.db)),
    logoutDevice: async (instance: Instance) => {
      logout ??= buildInstanceAccess(config).then((access) => deviceLogout(access));
      return (await logout)(instance);
    },
  };
}

export async function buildInstanceDeps(
  core: Core,
  config: RuntimeConfig,
  forgetKey?: (digest: string) => void,
  // The gateway has no Firebase Auth rights, so by default only the recorded flag counts.
  emailVerified: InstanceDeps["emailVerified"] = emailVerificationCheck(core.deps.store),
): Promise<InstanceDeps> {
  return {
    instances: core.instances,
    accounts: core.deps.store,
    subscriptions: core.subscriptions,
    keyRing: core.deps.keyRing,
    pepper: core.deps.pepper,
    clock: core.deps.clock,
    provisioner: await taskProvisioner(core),
    webhookMode: config.emulated ? "local" : "production",
    emailVerified,
    stats: await buildStatsStore(core),
    ...(forgetKey ? { forgetKey } : {}),
    ...(await deletionDeps(core, config)),
  };
}

/** Gateway tokens, IAM ID tokens and the forwarder: how a function calls an instance service. */
export async function buildInstanceAccess(config: RuntimeConfig): Promise<ForwardDeps> {
  const [{ gatewayTokenSigner }, { instanceForwarder }, { cachedIdTokens, metadataIdTokens }] =
    await Promise.all([
      import("../adapters/gatewayTokens.js"),
      import("../adapters/forwarder.js"),
      import("../adapters/idTokens.js"),
    ]);
  // ID tokens for the instance services' IAM invoker check, from the metadata server: in
  // production this function's own service account; locally the stack's stand-in.
  const idTokens = cachedIdTokens(metadataIdTokens());
  return {
    signToken: await gatewayTokenSigner(JSON.parse(config.gatewaySigningKey ?? "{}")),
    idToken: (audience) => idTokens.get(audience),
    forgetIdToken: (audience) => idTokens.forget(audience),
    forward: instanceForwarder(),
  };
}
