import * as pulumi from "@pulumi/pulumi";
import { buildAudit } from "./audit.ts";
import { buildCells } from "./cells.ts";
import type { InfraConfig } from "./config.ts";
import { buildEdge } from "./edge.ts";
import { buildFirestore } from "./firestore.ts";
import { buildControlPlaneIam, buildServiceAccounts } from "./iam.ts";
import { buildIdentity } from "./identity.ts";
import { buildNetwork } from "./network.ts";
import { buildRegistry } from "./registry.ts";
import { buildSecrets } from "./secrets.ts";
import { buildTaskQueues } from "./tasks.ts";

/** Builds every resource from one validated config; index.ts and the tests both call this. */
export function buildStack(config: InfraConfig) {
  const accounts = buildServiceAccounts(config);
  const controlPlaneIam = buildControlPlaneIam(config, accounts);
  const secrets = buildSecrets(config, accounts);
  const tasks = buildTaskQueues(config, accounts);
  const network = buildNetwork(config);
  const registry = buildRegistry(config);
  const cells = buildCells(config, { network, accounts, repository: registry.repository });
  const edge = buildEdge(config);
  const identity = buildIdentity(config);
  const firestore = buildFirestore(config);
  const audit = buildAudit(config);

  // Shaped like the functions' WSAPI_CELLS param; Shared VPC needs full resource paths.
  const cellsParam = pulumi.all(
    cells.cells.map(({ cell, subnet }) =>
      pulumi.all([network.network.name, subnet.name]).apply(([networkName, subnetName]) => ({
        id: cell.id,
        projectId: cell.project,
        region: cell.region,
        network: `projects/${config.project}/global/networks/${networkName}`,
        subnetwork: `projects/${config.project}/regions/${cell.region}/subnetworks/${subnetName}`,
      })),
    ),
  );
  // What `firebase deploy` and the functions' params need from this stack.
  const outputs = {
    functionsServiceAccount: accounts.functions.email,
    gatewayServiceAccount: accounts.gateway.email,
    taskInvokerServiceAccount: accounts.taskInvoker.email,
    webhookQueue: tasks.webhookQueue.name,
    functionsNetwork: network.network.name,
    functionsSubnetwork: network.functionsSubnet.name,
    egressIps: pulumi.output(
      Object.fromEntries(
        Object.entries(network.natAddresses).map(([region, addresses]) => [
          region,
          pulumi.all(addresses.map((address) => address.address)),
        ]),
      ),
    ),
    apiIp: edge.address.address,
    instanceImageRepository: registry.repository.registryUri,
    cells: cellsParam,
    functionsEnv: pulumi.all([cellsParam, accounts.gateway.email]).apply(([cellList, gatewayEmail]) => ({
      WSAPI_RUNTIME: "cloudrun",
      WSAPI_CELLS: JSON.stringify(cellList),
      WSAPI_GATEWAY_SERVICE_ACCOUNT: gatewayEmail,
    })),
  };
  return {
    accounts,
    controlPlaneIam,
    secrets,
    tasks,
    network,
    registry,
    cells,
    edge,
    identity,
    firestore,
    audit,
    outputs,
  };
}
