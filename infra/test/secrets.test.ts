import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { validateConfig } from "../src/config.ts";
import { buildTestStack, CONTROL_PROJECT, ofType, serviceAccountMember, testConfig } from "./harness.ts";

const RUNTIMES = {
  gateway: serviceAccountMember("wsapi-gateway"),
  control: serviceAccountMember("wsapi-control"),
  provisioner: serviceAccountMember("wsapi-provisioner"),
};
const SECRETS = ["WSAPI_DATA_KEYS", "WSAPI_API_KEY_PEPPER", "WSAPI_GATEWAY_SIGNING_KEY"];
// Memorystore's AUTH string: only api (gateway) and dashboard (control plane) declare it.
const REDIS_AUTH = "WSAPI_REDIS_AUTH";

describe("secrets in Secret Manager", () => {
  test("the three key secrets and the Redis AUTH secret exist, replicated only in the control-plane region", async () => {
    const { resources } = await buildTestStack();
    const secrets = ofType(resources, "gcp:secretmanager/secret:Secret");
    assert.deepEqual(secrets.map((s) => s.inputs.secretId).sort(), [...SECRETS, REDIS_AUTH].sort());
    for (const secret of secrets) {
      assert.equal(secret.inputs.project, CONTROL_PROJECT);
      assert.deepEqual(secret.inputs.replication, {
        userManaged: { replicas: [{ location: "europe-west1" }] },
      });
    }
  });

  test("each secret is readable by exactly the identities whose functions declare it", async () => {
    const { resources } = await buildTestStack();
    const accessGrants = ofType(resources, "gcp:secretmanager/secretIamMember:SecretIamMember");
    for (const secretId of SECRETS) {
      const readers = accessGrants
        .filter(
          (g) => g.inputs.secretId === secretId && g.inputs.role === "roles/secretmanager.secretAccessor",
        )
        .map((g) => g.inputs.member)
        .sort();
      assert.deepEqual(
        readers,
        // api, dashboard and the provisioning functions declare all three (functions/src/triggers).
        [RUNTIMES.control, RUNTIMES.gateway, RUNTIMES.provisioner],
        secretId,
      );
    }
    const redisReaders = accessGrants
      .filter(
        (g) => g.inputs.secretId === REDIS_AUTH && g.inputs.role === "roles/secretmanager.secretAccessor",
      )
      .map((g) => g.inputs.member)
      .sort();
    assert.deepEqual(redisReaders, [RUNTIMES.control, RUNTIMES.gateway], "api and dashboard only");
  });

  test("besides reading, only builders of the data-key ring may list versions, and nobody may manage secrets", async () => {
    const { resources } = await buildTestStack();
    const grants = ofType(resources, "gcp:secretmanager/secretIamMember:SecretIamMember");
    const others = grants.filter((g) => g.inputs.role !== "roles/secretmanager.secretAccessor");
    assert.deepEqual(others.map((g) => [g.inputs.secretId, g.inputs.role, g.inputs.member]).sort(), [
      ["WSAPI_DATA_KEYS", "roles/secretmanager.viewer", RUNTIMES.control],
      ["WSAPI_DATA_KEYS", "roles/secretmanager.viewer", RUNTIMES.gateway],
      ["WSAPI_DATA_KEYS", "roles/secretmanager.viewer", RUNTIMES.provisioner],
    ]);
  });

  test("secret grants follow the functions: an identity that runs no function reads nothing", async () => {
    const config = testConfig();
    const functions = Object.fromEntries(
      Object.entries(config.deployment.functions).map(([name, spec]) => [
        name,
        spec.identity === "provisioner" ? { ...spec, identity: "controlPlane" as const } : spec,
      ]),
    );
    const { resources } = await buildTestStack({
      ...config,
      deployment: { ...config.deployment, functions },
    });
    const grants = ofType(resources, "gcp:secretmanager/secretIamMember:SecretIamMember");
    assert.deepEqual(
      grants.filter((g) => g.inputs.member === RUNTIMES.provisioner),
      [],
    );
  });

  test("no Secret Manager role is granted project-wide, to anyone", async () => {
    const { resources } = await buildTestStack();
    const projectGrants = ofType(resources, "gcp:projects/iAMMember:IAMMember");
    for (const grant of projectGrants) {
      assert.doesNotMatch(String(grant.inputs.role), /secretmanager/, grant.name);
    }
  });

  test("no secret value ever enters Pulumi state", async () => {
    const { resources } = await buildTestStack();
    assert.deepEqual(ofType(resources, "gcp:secretmanager/secretVersion:SecretVersion"), []);
  });

  test("a break-glass window cannot include reading secrets", () => {
    const config = testConfig();
    for (const role of ["roles/secretmanager.secretAccessor", "roles/secretmanager.admin"]) {
      assert.throws(
        () => validateConfig({ ...config, breakGlass: { ...config.breakGlass, roles: [role] } }),
        /rotation only adds versions/,
      );
    }
  });
});
