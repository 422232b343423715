import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { validateConfig } from "../src/config.ts";
import { buildTestStack, CONTROL_PROJECT, ofType, serviceAccountMember, testConfig } from "./harness.ts";

const SECRETS = ["WSAPI_DATA_KEYS", "WSAPI_API_KEY_PEPPER", "WSAPI_GATEWAY_SIGNING_KEY"];

describe("secrets in Secret Manager", () => {
  test("the three key secrets exist, replicated only in the control-plane region", async () => {
    const { resources } = await buildTestStack();
    const secrets = ofType(resources, "gcp:secretmanager/secret:Secret");
    assert.deepEqual(secrets.map((s) => s.inputs.secretId).sort(), [...SECRETS].sort());
    for (const secret of secrets) {
      assert.equal(secret.inputs.project, CONTROL_PROJECT);
      assert.deepEqual(secret.inputs.replication, {
        userManaged: { replicas: [{ location: "europe-west1" }] },
      });
    }
  });

  test("each secret is readable by exactly the functions and gateway accounts", async () => {
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
        [serviceAccountMember("wsapi-functions"), serviceAccountMember("wsapi-gateway")],
        secretId,
      );
    }
  });

  test("besides reading, only the data-key ring may list versions, and nobody may manage secrets", async () => {
    const { resources } = await buildTestStack();
    const grants = ofType(resources, "gcp:secretmanager/secretIamMember:SecretIamMember");
    const others = grants.filter((g) => g.inputs.role !== "roles/secretmanager.secretAccessor");
    assert.deepEqual(others.map((g) => [g.inputs.secretId, g.inputs.role, g.inputs.member]).sort(), [
      ["WSAPI_DATA_KEYS", "roles/secretmanager.viewer", serviceAccountMember("wsapi-functions")],
      ["WSAPI_DATA_KEYS", "roles/secretmanager.viewer", serviceAccountMember("wsapi-gateway")],
    ]);
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
