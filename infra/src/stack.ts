import * as pulumi from "@pulumi/pulumi";
import { buildAudit } from "./audit.ts";
import { buildCells } from "./cells.ts";
import type { InfraConfig } from "./config.ts";
import { buildEdge } from "./edge.ts";
import { buildFirestore } from "./firestore.ts";
import { buildControlPlaneIam, buildServiceAccounts } from "./iam.ts";
import { buildIdentity } from "./identity.ts";
import { buildMonitoring } from "./monitoring.ts";
import { buildNetwork } from "./network.ts";
import { buildRedis } from "./redis.ts";
import { buildRegistry } from "./registry.ts";
import { buildSecrets } from "./secrets.ts";

/**
 * Builds every resource from one validated config; index.ts and the tests both call this. The
 * functions' task queues are not here: `firebase deploy` creates each `onTaskDispatched` queue and
 * grants its enqueuers (deployment.json `taskQueues`) from the trigger options.
 */
export function buildStack(config: InfraConfig) {
  const accounts = buildServiceAccounts(config);
  const controlPlaneIam = buildControlPlaneIam(config, accounts);
  const secrets = buildSecrets(config, accounts);
  const network = buildNetwork(config);
  const redis = buildRedis(config, network);
  const registry = buildRegistry(config);
  const cells = buildCells(config, { network, accounts, repository: registry.repository });
  const edge = buildEdge(config);
  const identity = buildIdentity(config);
  const firestore = buildFirestore(config);
  const audit = buildAudit(config);
  const monitoring = buildMonitoring(config);

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
    region: pulumi.output(config.region),
    serviceAccounts: pulumi.output({
      gateway: accounts.gateway.email,
      controlPlane: accounts.controlPlane.email,
      provisioner: accounts.provisioner.email,
    }),
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
    // WSAPI_INSTANCE_IMAGE (a digest) and WSAPI_EVENTS_URL (the events function's run.app URL,
    // known only after its first deploy) are added by the operator: see README.md.
    redisInstance: redis.instance.name,
    functionsEnv: pulumi.all([cellsParam, redis.url]).apply(([cellList, redisUrl]) => ({
      WSAPI_RUNTIME: "cloudrun",
      WSAPI_CELLS: JSON.stringify(cellList),
      WSAPI_REDIS_URL: redisUrl,
    })),
  };
  return {
    accounts,
    controlPlaneIam,
    secrets,
    network,
    redis,
    registry,
    cells,
    edge,
    identity,
    firestore,
    audit,
    monitoring,
    outputs,
  };
}
