import type { RuntimeConfig } from "../config.js";
import type { InstanceRuntime } from "../core/runtime.js";

// Production wiring of the Cloud Run runtime adapter: gRPC clients with the functions' own identity.
export async function cloudRunRuntimeFromConfig(config: RuntimeConfig): Promise<InstanceRuntime> {
  const [{ v2 }, { SecretManagerServiceClient }, { cloudRunRuntime }] = await Promise.all([
    import("@google-cloud/run"),
    import("@google-cloud/secret-manager"),
    import("./cloudRunRuntime.js"),
  ]);
  const cells = config.cells.map((cell) => {
    if (!cell.network || !cell.subnetwork) throw new Error(`cell ${cell.id} needs network and subnetwork`);
    return { ...cell, network: cell.network, subnetwork: cell.subnetwork };
  });
  if (!config.instanceImage || !config.gatewayServiceAccount) {
    throw new Error(
      "WSAPI_INSTANCE_IMAGE and WSAPI_GATEWAY_SERVICE_ACCOUNT must be set for the Cloud Run runtime",
    );
  }
  return cloudRunRuntime({
    services: new v2.ServicesClient(),
    secrets: new SecretManagerServiceClient(),
    image: config.instanceImage,
    gatewayServiceAccount: config.gatewayServiceAccount,
    cells,
  });
}
