import * as gcp from "@pulumi/gcp";
import type { InfraConfig } from "./config.ts";

export const NETWORK_NAME = "wsapi-vpc";
export const FUNCTIONS_SUBNET_NAME = "wsapi-functions";

export interface Network {
  network: gcp.compute.Network;
  functionsSubnet: gcp.compute.Subnetwork;
  /** Static egress addresses per region: customers allowlist these for webhooks. */
  natAddresses: Record<string, gcp.compute.Address[]>;
  routers: gcp.compute.Router[];
  nats: gcp.compute.RouterNat[];
}

/**
 * One global VPC in the control-plane project. Functions join it with Direct VPC egress
 * (all traffic), so their calls to instance `run.app` URLs arrive as internal traffic.
 */
export function buildNetwork(config: InfraConfig): Network {
  const network = new gcp.compute.Network(NETWORK_NAME, {
    project: config.project,
    name: NETWORK_NAME,
    autoCreateSubnetworks: false,
    routingMode: "GLOBAL",
    description: "WSAPI control plane and instance egress",
  });
  // Private Google Access is what makes run.app reachable from the VPC at all.
  const functionsSubnet = new gcp.compute.Subnetwork(FUNCTIONS_SUBNET_NAME, {
    project: config.project,
    name: FUNCTIONS_SUBNET_NAME,
    region: config.region,
    network: network.id,
    ipCidrRange: config.functionsSubnetCidr,
    privateIpGoogleAccess: true,
  });

  // All-traffic egress sends internet calls (webhooks, WhatsApp) through the VPC too, so each region needs NAT.
  const regions = [...new Set([config.region, ...config.cells.map((cell) => cell.region)])];
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
  return { network, functionsSubnet, natAddresses, routers, nats };
}
