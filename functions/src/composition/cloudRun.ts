import { assertImageByDigest } from "../adapters/cloudRun/names.js";
import type { RuntimeConfig } from "../config.js";
import type { InstanceRuntime } from "../core/ports/runtime.js";
import { deployment, serviceAccountEmail } from "../deployment.js";

/**
 * Who may call instance services: deployment.json's `instanceInvokers` (the gateway forwards API
 * calls, the control plane the dashboard's pairing calls), as accounts of the control-plane project.
 */
export function instanceInvokerEmails(controlProjectId: string): string[] {
  return deployment.instanceInvokers.map((who) => serviceAccountEmail(who, controlProjectId));
}

// Production wiring of the Cloud Run runtime adapter: gRPC clients with the functions' own identity.
export async function cloudRunRuntimeFromConfig(config: RuntimeConfig): Promise<InstanceRuntime> {
  const [
    { v2 },
    { SecretManagerServiceClient },
    { GoogleAuth },
    { cloudRunRuntime },
    { iamServiceAccounts },
  ] = await Promise.all([
    import("@google-cloud/run"),
    import("@google-cloud/secret-manager"),
    import("google-auth-library"),
    import("../adapters/cloudRunRuntime.js"),
    import("../adapters/cloudRun/serviceAccounts.js"),
  ]);
  const cells = config.cells.map((cell) => {
    if (!cell.network || !cell.subnetwork) throw new Error(`cell ${cell.id} needs network and subnetwork`);
    return { ...cell, network: cell.network, subnetwork: cell.subnetwork };
  });
  if (!config.instanceImage) throw new Error("WSAPI_INSTANCE_IMAGE must be set for the Cloud Run runtime");
  assertImageByDigest(config.instanceImage);
  return cloudRunRuntime({
    services: new v2.ServicesClient(),
    secrets: new SecretManagerServiceClient(),
    accounts: iamServiceAccounts({
      auth: new GoogleAuth({ scopes: ["https://www.googleapis.com/auth/cloud-platform"] }),
    }),
    image: config.instanceImage,
    invokers: instanceInvokerEmails(config.projectId),
    cells,
  });
}
