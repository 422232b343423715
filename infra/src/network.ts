import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import type { InfraConfig } from "./config.ts";

/** The Cloud Run service agent of a project: it attaches services to a subnet and pulls their image. */
export function runServiceAgent(project: string): pulumi.Output<string> {
  const number = gcp.organizations.getProjectOutput({ projectId: project }).number;
  return pulumi.interpolate`serviceAccount:service-${number}@serverless-robot-prod.iam.gserviceaccount.com`;
}

export interface Network {
  network: gcp.compute.Network;
  functionsSubnet: gcp.compute.Subnetwork;
  /** The control project's Cloud Run agent on the functions subnet (Direct VPC egress), if any function uses it. */
  functionsSubnetUsers: gcp.compute.SubnetworkIAMMember[];
  /** Static egress addresses per region: customers allowlist these for webhooks. */
  natAddresses: Record<string, gcp.compute.Address[]>;
  routers: gcp.compute.Router[];
  nats: gcp.compute.RouterNat[];
}

/**
 * One global VPC in the control-plane project, named as functions/deployment.json says. Functions
 * with `vpcEgress` join it with Direct VPC egress (all traffic), so their calls to instance
 * `run.app` URLs arrive as internal traffic.
 */
export function buildNetwork(config: InfraConfig): Network {
  const { network: networkName, subnetwork: subnetName, region } = config.deployment;
  const network = new gcp.compute.Network(networkName, {
    project: config.project,
    name: networkName,
    autoCreateSubnetworks: false,
    routingMode: "GLOBAL",
    description: "WSAPI control plane and instance egress",
  });
  // Private Google Access is what makes run.app reachable from the VPC at all.
  const functionsSubnet = new gcp.compute.Subnetwork(subnetName, {
    project: config.project,
    name: subnetName,
    region,
    network: network.id,
    ipCidrRange: config.functionsSubnetCidr,
    privateIpGoogleAccess: true,
  });
  // Cloud Run's default service agent role covers its own project's subnets; this grant on the one
  // subnet keeps Direct VPC egress working where that role is trimmed (compute.subnetworks.use).
  const vpcFunctions = Object.values(config.deployment.functions).some((spec) => spec.vpcEgress);
  const functionsSubnetUsers = vpcFunctions
    ? [
        new gcp.compute.SubnetworkIAMMember(`${subnetName}-run-agent`, {
          project: config.project,
          region,
          subnetwork: functionsSubnet.name,
          role: "roles/compute.networkUser",
          member: runServiceAgent(config.project),
        }),
      ]
    : [];

  // All-traffic egress sends internet calls (webhooks, WhatsApp) through the VPC too, so each region needs NAT.
  const regions = [...new Set([region, ...config.cells.map((cell) => cell.region)])];
  const natAddresses: Record<string, gcp.compute.Address[]> = {};
  const routers: gcp.compute.Router[] = [];
  const nats: gcp.compute.RouterNat[] = [];
  for (const region of regions) {
    const addresses = Array.from(
      { length: config.natIpsPerRegion },
      (_, i) =>
        new gcp.compute.Address(`nat-${region}-${i}`, {
          project: config.project,
          region,
          addressType: "EXTERNAL",
          networkTier: "PREMIUM",
        }),
    );
    const router = new gcp.compute.Router(`router-${region}`, {
      project: config.project,
      region,
      network: network.id,
    });
    const nat = new gcp.compute.RouterNat(`nat-${region}`, {
      project: config.project,
      region,
      router: router.name,
      natIpAllocateOption: "MANUAL_ONLY",
      natIps: addresses.map((address) => address.selfLink),
      sourceSubnetworkIpRangesToNat: "ALL_SUBNETWORKS_ALL_IP_RANGES",
      enableDynamicPortAllocation: true,
      enableEndpointIndependentMapping: false,
      logConfig: { enable: true, filter: "ERRORS_ONLY" },
    });
    natAddresses[region] = addresses;
    routers.push(router);
    nats.push(nat);
  }
  return { network, functionsSubnet, functionsSubnetUsers, natAddresses, routers, nats };
}
