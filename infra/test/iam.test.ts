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
    condition: r.inputs.condition,
  }));

const GATEWAY = serviceAccountMember("wsapi-gateway");
const CONTROL = serviceAccountMember("wsapi-control");
const PROVISIONER = serviceAccountMember("wsapi-provisioner");

/** Every grant whose member is `member`, as "<kind> <resource> <role>" lines, sorted. */
function grantsTo(resources: Registered[], member: string): string[] {
  const on = (r: Registered): string => {
    switch (r.type) {
      case "gcp:projects/iAMMember:IAMMember":
        return `project ${r.inputs.project}`;
      case "gcp:secretmanager/secretIamMember:SecretIamMember":
        return `secret ${r.inputs.secretId}`;
      case "gcp:compute/subnetworkIAMMember:SubnetworkIAMMember":
        return `subnet ${r.inputs.subnetwork}`;
      case "gcp:serviceaccount/iAMMember:IAMMember":
        return `account ${String(r.inputs.serviceAccountId).split("/").pop()}`;
      default:
        return `${r.type} ${r.name}`;
    }
  };
  return bindings(resources)
    .filter((r) => r.inputs.member === member)
    .map((r) => `${on(r)} ${String(r.inputs.role).replace(/^projects\/[^/]+\/roles\//, "custom/")}`)
    .sort();
}

const control = (role: string) => `project ${CONTROL_PROJECT} ${role}`;
const RUNTIME = [
  control("roles/datastore.user"),
  control("roles/logging.logWriter"),
  control("roles/monitoring.metricWriter"),
  control("roles/serviceusage.serviceUsageConsumer"),
];
const REDIS_AUTH = "secret WSAPI_REDIS_AUTH roles/secretmanager.secretAccessor";
const ALL_SECRETS = [
  "secret WSAPI_API_KEY_PEPPER roles/secretmanager.secretAccessor",
  "secret WSAPI_DATA_KEYS roles/secretmanager.secretAccessor",
  "secret WSAPI_DATA_KEYS roles/secretmanager.viewer",
  "secret WSAPI_GATEWAY_SIGNING_KEY roles/secretmanager.secretAccessor",
];

describe("each identity holds exactly what its functions use", () => {
  test("gateway (api): Firestore, logs, the three secrets, Redis AUTH, and acting as itself to enqueue provisioning", async () => {
    const { resources } = await buildTestStack();
    assert.deepEqual(
      grantsTo(resources, GATEWAY),
      [
        ...RUNTIME,
        ...ALL_SECRETS,
        REDIS_AUTH,
        "account wsapi-gateway@wsapi-prod.iam.gserviceaccount.com roles/iam.serviceAccountUser",
      ].sort(),
    );
  });

  test("control plane: the gateway's grants plus the Auth custom role and Auth events; enqueues webhook and provisioning tasks", async () => {
    const { resources } = await buildTestStack();
    assert.deepEqual(
      grantsTo(resources, CONTROL),
      [
        ...RUNTIME,
        control("custom/wsapiAuthManager"),
        control("roles/eventarc.eventReceiver"),
        control("roles/run.invoker"),
        ...ALL_SECRETS,
        REDIS_AUTH,
        "account wsapi-control@wsapi-prod.iam.gserviceaccount.com roles/iam.serviceAccountUser",
      ].sort(),
    );
  });

  test("provisioner: Firestore, logs, secrets, its role and the subnet in each cell; it enqueues nothing", async () => {
    const { resources } = await buildTestStack();
    assert.deepEqual(
      grantsTo(resources, PROVISIONER),
      [
        ...RUNTIME,
        ...ALL_SECRETS,
        `project ${CELL_PROJECT_EU} custom/wsapiInstanceProvisioner`,
        `project ${CELL_PROJECT_US} custom/wsapiInstanceProvisioner`,
        "subnet wsapi-cell-eu1 roles/compute.networkUser",
        "subnet wsapi-cell-us1 roles/compute.networkUser",
      ].sort(),
    );
  });

  test("acting as an account is granted on that one account, to itself only", async () => {
    const { resources } = await buildTestStack();
    for (const grant of ofType(resources, "gcp:serviceaccount/iAMMember:IAMMember")) {
      const email = String(grant.inputs.serviceAccountId).split("/").pop();
      assert.equal(grant.inputs.member, `serviceAccount:${email}`, grant.name);
    }
  });
});

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

  test("project-wide grants to the runtimes are only those with no narrower resource to attach to", async () => {
    const { resources } = await buildTestStack();
    const runtimes = [GATEWAY, CONTROL, PROVISIONER];
    const key = (g: { project: unknown; role: unknown; member: unknown }) =>
      `${g.project} ${g.role} ${g.member}`;
    const expected = [
      ...runtimes.flatMap((member) =>
        [
          "roles/datastore.user",
          "roles/logging.logWriter",
          "roles/monitoring.metricWriter",
          "roles/serviceusage.serviceUsageConsumer",
        ].map((role) => ({
          project: CONTROL_PROJECT,
          role,
          member,
        })),
      ),
      {
        project: CONTROL_PROJECT,
        role: `projects/${CONTROL_PROJECT}/roles/wsapiAuthManager`,
        member: CONTROL,
      },
      { project: CONTROL_PROJECT, role: "roles/eventarc.eventReceiver", member: CONTROL },
      { project: CONTROL_PROJECT, role: "roles/run.invoker", member: CONTROL },
      ...[CELL_PROJECT_EU, CELL_PROJECT_US].map((project) => ({
        project,
        role: `projects/${project}/roles/wsapiInstanceProvisioner`,
        member: PROVISIONER,
      })),
    ];
    assert.deepEqual(
      projectGrants(resources)
        .filter((g) => runtimes.includes(String(g.member)))
        .map(key)
        .sort(),
      expected.map(key).sort(),
    );
  });

  test("the dashboard's Auth role can do what the dashboard calls, and no Auth configuration", async () => {
    const { resources } = await buildTestStack();
    const role = ofType(resources, "gcp:projects/iAMCustomRole:IAMCustomRole").find(
      (r) => r.inputs.roleId === "wsapiAuthManager",
    );
    // createUser (sign-up), getUser, revokeRefreshTokens, createSessionCookie, deleteUser (account deletion).
    assert.deepEqual([...((role?.inputs.permissions as string[]) ?? [])].sort(), [
      "firebaseauth.users.create",
      "firebaseauth.users.createSession",
      "firebaseauth.users.delete",
      "firebaseauth.users.get",
      "firebaseauth.users.update",
    ]);
  });

  test("Eventarc's identity may invoke the Auth deletion trigger's service only", async () => {
    const { resources } = await buildTestStack();
    const invokers = projectGrants(resources).filter((g) => g.role === "roles/run.invoker");
    assert.deepEqual(
      invokers.map((g) => (g.condition as { expression?: string } | undefined)?.expression),
      [`resource.name == "projects/${CONTROL_PROJECT}/locations/europe-west1/services/accountdeleted"`],
    );
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

  test("the provisioner role is bound in cell projects only, to the provisioner only", async () => {
    const { resources } = await buildTestStack();
    const provisioner = projectGrants(resources).filter((g) =>
      String(g.role).endsWith("/wsapiInstanceProvisioner"),
    );
    assert.deepEqual(provisioner.map((g) => g.project).sort(), [CELL_PROJECT_EU, CELL_PROJECT_US]);
    assert.ok(provisioner.every((g) => g.member === PROVISIONER));
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
