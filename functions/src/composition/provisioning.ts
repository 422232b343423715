import type { RuntimeConfig } from "../config.js";
import { createLogger } from "../core/logs.js";
import type { InstanceRuntime } from "../core/ports/runtime.js";
import type { ProvisioningDeps } from "../core/provisioning.js";
import { buildCore } from "./bootstrap.js";

async function buildRuntime(config: RuntimeConfig): Promise<InstanceRuntime> {
  if (config.runtime === "local") {
    const { localRuntime } = await import("../adapters/localRuntime.js");
    return localRuntime(config.supervisorUrl, config.projectId);
  }
  const { cloudRunRuntimeFromConfig } = await import("./cloudRun.js");
  return cloudRunRuntimeFromConfig(config);
}

/** The provisioninstance task handler and the reconciler: runtimes, cells and deletion jobs. */
export async function buildProvisioningDeps(config: RuntimeConfig): Promise<ProvisioningDeps> {
  const core = await buildCore(config);
  const [{ publicJwkOf }, { chooseCell }, { firestoreInstanceDeletionStore }] = await Promise.all([
    import("../adapters/gatewayTokens.js"),
    import("../adapters/cellCounts.js"),
    import("../adapters/firestore/instanceDeletionStore.js"),
  ]);
  const signingJwk = JSON.parse(config.gatewaySigningKey ?? "{}");
  return {
    instances: core.instances,
    runtime: await buildRuntime(config),
    keyRing: core.deps.keyRing,
    clock: core.deps.clock,
    cells: config.cells,
    chooseCell: () => chooseCell(core.db, config.cells),
    logger: createLogger(),
    deletions: firestoreInstanceDeletionStore(core.db),
    baseEnv: {
      WSAPI_GATEWAY_PUBLIC_JWK: JSON.stringify(publicJwkOf(signingJwk)),
      WSAPI_CONTROL_URL: config.eventsUrl,
      WSAPI_TRANSPORT: config.instanceTransport,
      ...(config.simulatorUrl ? { WSAPI_SIMULATOR_URL: config.simulatorUrl } : {}),
    },
  };
}
