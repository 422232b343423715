import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { PRIMITIVE_ROLES } from "../src/config.ts";
import {
  allStrings,
  buildTestStack,
  CELL_PROJECT_EU,
  CELL_PROJECT_US,
  CONTROL_PROJECT,
  ofType,
  type Registered,
  serviceAccountMember,
  testConfig,
} from "./harness.ts";

const bindings = (resources: Registered[]) => resources.filter((r) => typeof r.inputs.role === "string");
const projectGrants = (resources: Registered[]) =>
  ofType(resources, "gcp:projects/iAMMember:IAMMember").map((r) => ({
    project: r.inputs.project,
    role: r.inputs.role,
    member: r.inputs.member,
  }));

describe("least privilege", () => {
  test("no IAM binding anywhere uses a primitive role", async () => {
    const { resources } = await buildTestStack();
    const found = bindings(resources);
    assert.ok(found.length > 10, "the program grants roles, so the check is not vacuous");
    for (const binding of found) {
      assert.ok(
        !(PRIMITIVE_ROLES as readonly string[]).includes(String(binding.inputs.role)),
        `${binding.name} grants ${binding.inputs.role}`,
      );
    }
  });

  test("grants are additive members, never authoritative bindings or policies", async () => {
    const { resources } = await buildTestStack();
    const authoritative = resources.filter((r) =>
      /(IAMBinding|IamBinding|IAMPolicy|IamPolicy)$/.test(r.type),
    );
    assert.deepEqual(
      authoritative.map((r) => r.name),
      [],
    );
  });

  test("nothing is public: no allUsers or allAuthenticatedUsers in any resource", async () => {
    const { resources } = await buildTestStack();
    for (const resource of resources) {
      for (const value of allStrings(resource.inputs)) {
        assert.doesNotMatch(value, /allUsers|allAuthenticatedUsers/, `${resource.name} is public`);
      }
    }
  });

  test("humans get access only through a group, never as individual users", async () => {
    const { resources } = await buildTestStack();
    for (const binding of bindings(resources)) {
      assert.doesNotMatch(String(binding.inputs.member), /^user:/, `${binding.name} binds a user`);
      if (String(binding.inputs.member).startsWith("group:")) {
        assert.ok(binding.inputs.condition, `${binding.name} binds a group without an expiring condition`);
      }
    }
  });

  test("project-wide grants are only those with no narrower resource to attach to", async () => {
    const config = testConfig({ breakGlass: { ...testConfig().breakGlass, expiresAt: undefined } });
    const { resources } = await buildTestStack(config);
    const functions = serviceAccountMember("wsapi-functions");
    const gateway = serviceAccountMember("wsapi-gateway");
    const expected = [
      { project: CONTROL_PROJECT, role: "roles/datastore.user", member: functions },
      { project: CONTROL_PROJECT, role: "roles/datastore.user", member: gateway },
      {
        project: CONTROL_PROJECT,
        role: `projects/${CONTROL_PROJECT}/roles/wsapiAuthManager`,
        member: functions,
      },
      {
        project: CELL_PROJECT_EU,
        role: `projects/${CELL_PROJECT_EU}/roles/wsapiInstanceProvisioner`,
        member: functions,
      },
      {
        project: CELL_PROJECT_US,
        role: `projects/${CELL_PROJECT_US}/roles/wsapiInstanceProvisioner`,
        member: functions,
      },
    ];
    const key = (g: { project: unknown; role: unknown; member: unknown }) =>
      `${g.project} ${g.role} ${g.member}`;
    assert.deepEqual(projectGrants(resources).map(key).sort(), expected.map(key).sort());
  });

  test("the task invoker holds no role: it only lends its identity to Cloud Tasks", async () => {
    const { resources } = await buildTestStack();
    const taskInvoker = serviceAccountMember("wsapi-task-invoker");
    assert.deepEqual(
      bindings(resources).filter((b) => b.inputs.member === taskInvoker),
      [],
    );
    // Acting as an account is granted on that account only: the task invoker, or oneself for firebase-admin queues.
    const accountPath = (id: string) =>
      `projects/${CONTROL_PROJECT}/serviceAccounts/${id}@${CONTROL_PROJECT}.iam.gserviceaccount.com`;
    const actAs = ofType(resources, "gcp:serviceaccount/iAMMember:IAMMember").map((b) => [
      b.inputs.serviceAccountId,
      b.inputs.role,
      b.inputs.member,
    ]);
    assert.deepEqual(actAs.sort(), [
      [
        accountPath("wsapi-functions"),
        "roles/iam.serviceAccountUser",
        serviceAccountMember("wsapi-functions"),
      ],
      [accountPath("wsapi-gateway"), "roles/iam.serviceAccountUser", serviceAccountMember("wsapi-gateway")],
      [
        accountPath("wsapi-task-invoker"),
        "roles/iam.serviceAccountUser",
        serviceAccountMember("wsapi-functions"),
      ],
    ]);
  });

  test("custom roles cannot escalate: no project IAM, key minting or token creation", async () => {
    const { resources } = await buildTestStack();
    const roles = ofType(resources, "gcp:projects/iAMCustomRole:IAMCustomRole");
    assert.ok(roles.length >= 3);
    for (const role of roles) {
      for (const permission of role.inputs.permissions as string[]) {
        assert.doesNotMatch(
          permission,
          /^resourcemanager\.projects\.setIamPolicy$|^iam\.serviceAccountKeys\.|getAccessToken|signBlob|signJwt|^iam\.serviceAccounts\.setIamPolicy$|^iam\.roles\./,
          `${role.name} holds ${permission}`,
        );
      }
    }
  });

  test("the provisioner may do what the Cloud Run runtime adapter calls, in each cell project", async () => {
    const { resources } = await buildTestStack();
    // API calls made by functions/src/adapters/cloudRunRuntime.ts and cloudRun/instanceSecret.ts.
    const adapterCalls = [
      "run.services.create",
      "run.services.get",
      "run.services.update",
      "run.services.delete",
      "run.services.list",
      "run.services.setIamPolicy",
      "secretmanager.secrets.create",
      "secretmanager.versions.access",
      "secretmanager.versions.add",
      "secretmanager.secrets.setIamPolicy",
      "secretmanager.secrets.delete",
      "iam.serviceAccounts.actAs",
    ];
    const roles = ofType(resources, "gcp:projects/iAMCustomRole:IAMCustomRole").filter(
      (r) => r.inputs.roleId === "wsapiInstanceProvisioner",
    );
    assert.deepEqual(roles.map((r) => r.inputs.project).sort(), [CELL_PROJECT_EU, CELL_PROJECT_US]);
    for (const role of roles) {
      const missing = adapterCalls.filter((p) => !(role.inputs.permissions as string[]).includes(p));
      assert.deepEqual(missing, [], `${role.inputs.project} provisioner lacks permissions`);
    }
  });

  test("the provisioner is bound in cell projects only, never in the control plane", async () => {
    const { resources } = await buildTestStack();
    const provisioner = projectGrants(resources).filter((g) =>
      String(g.role).endsWith("/wsapiInstanceProvisioner"),
    );
    assert.deepEqual(provisioner.map((g) => g.project).sort(), [CELL_PROJECT_EU, CELL_PROJECT_US]);
  });

  test("a cell in the control-plane project must be acknowledged", async () => {
    const base = testConfig();
    const shared = { ...base.cells[0]!, project: CONTROL_PROJECT };
    await assert.rejects(buildTestStack({ ...base, cells: [shared] }), /sharesControlPlaneProject/);
    const { resources } = await buildTestStack({
      ...base,
      cells: [{ ...shared, sharesControlPlaneProject: true }],
    });
    // Same project: no Shared VPC and no org policy that would also bind the functions' own ingress.
    assert.equal(ofType(resources, "gcp:orgpolicy/policy:Policy").length, 0);
    assert.equal(ofType(resources, "gcp:compute/sharedVPCHostProject:SharedVPCHostProject").length, 0);
  });
});
