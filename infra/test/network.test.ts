import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { validateConfig } from "../src/config.ts";
import {
  buildTestStack,
  CELL_PROJECT_EU,
  CELL_PROJECT_US,
  CONTROL_PROJECT,
  ofType,
  projectNumber,
  resolved,
  serviceAccountMember,
  testConfig,
} from "./harness.ts";

const SUBNET = "gcp:compute/subnetwork:Subnetwork";

describe("network and cells", () => {
  test("every subnet has Private Google Access, without which run.app is unreachable from the VPC", async () => {
    const { resources } = await buildTestStack();
    const subnets = ofType(resources, SUBNET);
    assert.equal(subnets.length, 3);
    for (const subnet of subnets) assert.equal(subnet.inputs.privateIpGoogleAccess, true, subnet.name);
  });

  test("each cell gets its own subnet in its own region, and every region with workloads has NAT", async () => {
    const config = testConfig();
    const { resources } = await buildTestStack(config);
    for (const cell of config.cells) {
      const subnet = ofType(resources, SUBNET).find((s) => s.inputs.ipCidrRange === cell.subnetCidr);
      assert.equal(subnet?.inputs.region, cell.region, cell.id);
    }
    const natRegions = ofType(resources, "gcp:compute/routerNat:RouterNat").map((n) => n.inputs.region);
    assert.deepEqual(natRegions.sort(), ["europe-west1", "us-central1"]);
  });

  test("cell projects allow only internal Cloud Run ingress, by org policy", async () => {
    const { resources } = await buildTestStack();
    const policies = ofType(resources, "gcp:orgpolicy/policy:Policy");
    for (const project of [CELL_PROJECT_EU, CELL_PROJECT_US]) {
      const policy = policies.find((p) => p.inputs.parent === `projects/${project}`);
      assert.equal(policy?.inputs.name, `projects/${project}/policies/run.allowedIngress`);
      assert.deepEqual(policy?.inputs.spec, { rules: [{ values: { allowedValues: ["internal"] } }] });
    }
    assert.ok(!policies.some((p) => p.inputs.parent === `projects/${CONTROL_PROJECT}`));
  });

  test("cell projects join the control-plane VPC as Shared VPC service projects", async () => {
    const { resources } = await buildTestStack();
    const attached = ofType(resources, "gcp:compute/sharedVPCServiceProject:SharedVPCServiceProject");
    assert.deepEqual(attached.map((a) => [a.inputs.hostProject, a.inputs.serviceProject]).sort(), [
      [CONTROL_PROJECT, CELL_PROJECT_EU],
      [CONTROL_PROJECT, CELL_PROJECT_US],
    ]);
  });

  test("a cell's Cloud Run agent may use only its own cell's subnet", async () => {
    const { resources } = await buildTestStack();
    const agent = (project: string) =>
      `serviceAccount:service-${projectNumber(project)}@serverless-robot-prod.iam.gserviceaccount.com`;
    const grants = ofType(resources, "gcp:compute/subnetworkIAMMember:SubnetworkIAMMember");
    assert.deepEqual(
      grants.filter((g) => g.inputs.member === agent(CELL_PROJECT_EU)).map((g) => g.inputs.subnetwork),
      ["wsapi-cell-eu1"],
    );
    assert.deepEqual(
      grants
        .filter((g) => g.inputs.subnetwork === "wsapi-functions")
        .map((g) => [g.inputs.role, g.inputs.member]),
      [["roles/compute.networkUser", agent(CONTROL_PROJECT)]],
      "only the control project's Cloud Run agent uses the functions subnet (Direct VPC egress)",
    );
  });

  test("each cell subnet is used by that cell's Cloud Run agent and the provisioner, nobody else", async () => {
    const { resources } = await buildTestStack();
    const agent = (project: string) =>
      `serviceAccount:service-${projectNumber(project)}@serverless-robot-prod.iam.gserviceaccount.com`;
    const grants = ofType(resources, "gcp:compute/subnetworkIAMMember:SubnetworkIAMMember");
    for (const [subnet, project] of [
      ["wsapi-cell-eu1", CELL_PROJECT_EU],
      ["wsapi-cell-us1", CELL_PROJECT_US],
    ] as const) {
      assert.deepEqual(
        grants
          .filter((g) => g.inputs.subnetwork === subnet)
          .map((g) => g.inputs.member)
          .sort(),
        [agent(project), serviceAccountMember("wsapi-provisioner")].sort(),
        subnet,
      );
    }
  });

  test("no firewall rule admits traffic from the internet", async () => {
    const { resources } = await buildTestStack();
    for (const rule of ofType(resources, "gcp:compute/firewall:Firewall")) {
      const ranges = (rule.inputs.sourceRanges as string[] | undefined) ?? [];
      assert.ok(rule.inputs.direction === "EGRESS" || !ranges.includes("0.0.0.0/0"), rule.name);
    }
  });

  test("the stack exports what the runtime adapter needs to place instances in cells", async () => {
    const { stack } = await buildTestStack();
    assert.deepEqual(await resolved(stack.outputs.cells), [
      {
        id: "eu1",
        projectId: CELL_PROJECT_EU,
        region: "europe-west1",
        network: `projects/${CONTROL_PROJECT}/global/networks/wsapi-vpc`,
        subnetwork: `projects/${CONTROL_PROJECT}/regions/europe-west1/subnetworks/wsapi-cell-eu1`,
      },
      {
        id: "us1",
        projectId: CELL_PROJECT_US,
        region: "us-central1",
        network: `projects/${CONTROL_PROJECT}/global/networks/wsapi-vpc`,
        subnetwork: `projects/${CONTROL_PROJECT}/regions/us-central1/subnetworks/wsapi-cell-us1`,
      },
    ]);
  });

  test("the functions' params come ready to paste: the runtime kind and WSAPI_CELLS, nothing else", async () => {
    const { stack } = await buildTestStack();
    const env = await resolved(stack.outputs.functionsEnv);
    assert.deepEqual(Object.keys(env).sort(), ["WSAPI_CELLS", "WSAPI_REDIS_URL", "WSAPI_RUNTIME"]);
    assert.deepEqual(JSON.parse(env.WSAPI_CELLS), await resolved(stack.outputs.cells));
    assert.equal(env.WSAPI_RUNTIME, "cloudrun");
  });

  test("overlapping ranges and repeated cell ids are refused", () => {
    const config = testConfig();
    const [eu, us] = config.cells;
    assert.throws(
      () => validateConfig({ ...config, cells: [eu!, { ...us!, subnetCidr: "10.16.8.0/21" }] }),
      /overlapping ranges/,
    );
    assert.throws(() => validateConfig({ ...config, cells: [eu!, { ...us!, id: "eu1" }] }), /is repeated/);
    assert.throws(() => validateConfig({ ...config, cells: [] }), /at least one cell/);
  });
});
