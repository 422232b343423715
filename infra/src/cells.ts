import * as gcp from "@pulumi/gcp";
import type * as pulumi from "@pulumi/pulumi";
import type { Cell, InfraConfig } from "./config.ts";
import { buildProvisionerAccess, memberOf, provisioners, type ServiceAccounts } from "./iam.ts";
import { type Network, runServiceAgent } from "./network.ts";

/** Org policy value that keeps every Cloud Run service in a cell project internal-only. */
export const CELL_INGRESS_CONSTRAINT = "run.allowedIngress";
export const CELL_ALLOWED_INGRESS = ["internal"];

export interface CellDeps {
  network: Network;
  accounts: ServiceAccounts;
  repository: gcp.artifactregistry.Repository;
}

function buildCell(cell: Cell, config: InfraConfig, deps: CellDeps) {
  // Instances egress through this subnet, so their calls to `events` are internal and NATed to WhatsApp.
  const subnet = new gcp.compute.Subnetwork(`cell-${cell.id}`, {
    project: config.project,
    name: `wsapi-cell-${cell.id}`,
    region: cell.region,
    network: deps.network.network.id,
    ipCidrRange: cell.subnetCidr,
    privateIpGoogleAccess: true,
  });
  const runAgent = runServiceAgent(cell.project);
  // The provisioner attaches each instance service to this subnet; the cell's Cloud Run agent then uses it.
  const subnetMembers: Array<[string, pulumi.Output<string>]> = [
    ["run-agent", runAgent],
    ...provisioners(config.deployment).map((who): [string, pulumi.Output<string>] => [
      config.deployment.serviceAccounts[who],
      memberOf(deps.accounts[who]),
    ]),
  ];
  const subnetUsers = subnetMembers.map(
    ([who, member]) =>
      new gcp.compute.SubnetworkIAMMember(`cell-${cell.id}-subnet-${who}`, {
        project: config.project,
        region: cell.region,
        subnetwork: subnet.name,
        role: "roles/compute.networkUser",
        member,
      }),
  );
  const imageReader = new gcp.artifactregistry.RepositoryIamMember(`cell-${cell.id}-image-reader`, {
    project: config.project,
    location: config.region,
    repository: deps.repository.name,
    role: "roles/artifactregistry.reader",
    member: runAgent,
  });
  return { cell, subnet, subnetUsers, imageReader };
}

/**
 * Cells in projects of their own join the control-plane VPC as Shared VPC service projects, and an
 * org policy there refuses any Cloud Run ingress but internal, whatever the provisioner asks for.
 */
export function buildCells(config: InfraConfig, deps: CellDeps) {
  const dedicatedProjects = [...new Set(config.cells.map((cell) => cell.project))].filter(
    (project) => project !== config.project,
  );
  const sharedVpcHost =
    dedicatedProjects.length > 0
      ? new gcp.compute.SharedVPCHostProject("shared-vpc-host", { project: config.project })
      : undefined;
  const sharedVpcServices = dedicatedProjects.map(
    (project) =>
      new gcp.compute.SharedVPCServiceProject(
        `shared-vpc-${project}`,
        { hostProject: config.project, serviceProject: project },
        { dependsOn: sharedVpcHost ? [sharedVpcHost] : [] },
      ),
  );
  const ingressPolicies = dedicatedProjects.map(
    (project) =>
      new gcp.orgpolicy.Policy(`internal-ingress-${project}`, {
        name: `projects/${project}/policies/${CELL_INGRESS_CONSTRAINT}`,
        parent: `projects/${project}`,
        spec: { rules: [{ values: { allowedValues: CELL_ALLOWED_INGRESS } }] },
      }),
  );
  const provisioner = buildProvisionerAccess(config, deps.accounts);
  const cells = config.cells.map((cell) => buildCell(cell, config, deps));
  return { sharedVpcHost, sharedVpcServices, ingressPolicies, provisioner, cells };
}
