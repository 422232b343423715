import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { describe, test } from "node:test";
import type * as pulumi from "@pulumi/pulumi";
import {
  ACCESS_TOKEN,
  buildTestStack,
  CONTROL_PROJECT,
  isSecret,
  ofType,
  type Registered,
} from "./harness.ts";

const PASSWORD_POLICY_TYPE = "pulumi-nodejs:dynamic/wsapi:IdentityPlatformPasswordPolicy";

function passwordPolicy(resources: Registered[]): Registered {
  const [policy] = ofType(resources, PASSWORD_POLICY_TYPE);
  assert.ok(policy, "the password policy resource exists");
  return policy;
}

/** Loads the provider exactly as Pulumi's dynamic-provider host does: CommonJS text from state. */
function deserializeProvider(text: string): pulumi.dynamic.ResourceProvider {
  const module = { exports: {} as { handler: () => pulumi.dynamic.ResourceProvider } };
  new Function("exports", "require", "module", text)(module.exports, createRequire(import.meta.url), module);
  return module.exports.handler();
}

describe("Firestore", () => {
  test("TTL policies delete deliveries, attempts, audit entries, the event log, idempotency keys, message timelines and hourly stats once expireAt passes", async () => {
    const { resources } = await buildTestStack();
    const ttl = ofType(resources, "gcp:firestore/field:Field").filter(
      (f) => f.inputs.ttlConfig !== undefined,
    );
    assert.deepEqual(ttl.map((f) => f.inputs.collection).sort(), [
      "attempts",
      "auditLog",
      "deliveries",
      "deliveryPayloads",
      "eventLog",
      "hourlyStats",
      "idempotencyKeys",
      "messageTimelines",
      "revokedSessions",
    ]);
    for (const field of ttl) assert.equal(field.inputs.field, "expireAt");
  });
});

describe("Identity Platform", () => {
  test("email sign-in always needs a password; Google and GitHub are enabled with secret client secrets", async () => {
    const { resources } = await buildTestStack();
    const [config] = ofType(resources, "gcp:identityplatform/config:Config");
    assert.ok(config);
    assert.deepEqual((config.inputs.signIn as { email: unknown }).email, {
      enabled: true,
      passwordRequired: true,
    });
    const idps = ofType(
      resources,
      "gcp:identityplatform/defaultSupportedIdpConfig:DefaultSupportedIdpConfig",
    );
    assert.deepEqual(idps.map((i) => i.inputs.idpId).sort(), ["github.com", "google.com"]);
    for (const idp of idps) {
      assert.equal(idp.inputs.enabled, true);
      assert.ok(
        isSecret(idp.inputs.clientSecret),
        `${idp.inputs.idpId} client secret is not a Pulumi secret`,
      );
    }
  });

  test("the password policy is enforced: 12+ characters with lower, upper, digit and symbol", async () => {
    const { resources } = await buildTestStack();
    const inputs = passwordPolicy(resources).inputs;
    const policy = inputs.policy as {
      passwordPolicyEnforcementState: string;
      passwordPolicyVersions: Array<{ customStrengthOptions: Record<string, number | boolean> }>;
    };
    assert.equal(policy.passwordPolicyEnforcementState, "ENFORCE");
    const options = policy.passwordPolicyVersions[0]?.customStrengthOptions;
    assert.ok(Number(options?.minPasswordLength) >= 12);
    for (const characterClass of [
      "containsLowercaseCharacter",
      "containsUppercaseCharacter",
      "containsNumericCharacter",
      "containsNonAlphanumericCharacter",
    ]) {
      assert.equal(options?.[characterClass], true, characterClass);
    }
    assert.ok(isSecret(inputs.accessToken), "the access token is stored as a secret");
  });

  test("the serialized provider PATCHes only passwordPolicyConfig with the provider's token", async () => {
    const { resources } = await buildTestStack();
    const inputs = passwordPolicy(resources).inputs;
    const provider = deserializeProvider(String(inputs.__provider));
    const requests: Array<{ url: string; init: RequestInit }> = [];
    const realFetch = globalThis.fetch;
    globalThis.fetch = (async (url: string, init: RequestInit) => {
      requests.push({ url, init });
      return new Response("{}", { status: 200 });
    }) as typeof fetch;
    try {
      const policy = inputs.policy;
      await provider.create?.({ project: CONTROL_PROJECT, policy, accessToken: ACCESS_TOKEN });
      const diff = await provider.diff?.(
        CONTROL_PROJECT,
        { project: CONTROL_PROJECT, policy },
        { project: CONTROL_PROJECT, policy, accessToken: "newer-token" },
      );
      assert.equal(diff?.changes, false, "a new token alone does not re-apply the policy");
    } finally {
      globalThis.fetch = realFetch;
    }
    const [request] = requests;
    assert.ok(request && requests.length === 1);
    assert.equal(
      request.url,
      `https://identitytoolkit.googleapis.com/admin/v2/projects/${CONTROL_PROJECT}/config?updateMask=passwordPolicyConfig`,
    );
    assert.equal(request.init.method, "PATCH");
    assert.equal((request.init.headers as Record<string, string>).authorization, `Bearer ${ACCESS_TOKEN}`);
    const body = JSON.parse(String(request.init.body));
    assert.deepEqual(Object.keys(body), ["passwordPolicyConfig"]);
    assert.equal(body.passwordPolicyConfig.passwordPolicyEnforcementState, "ENFORCE");
  });

  test("a refused PATCH fails the deployment instead of passing silently", async () => {
    const { resources } = await buildTestStack();
    const inputs = passwordPolicy(resources).inputs;
    const provider = deserializeProvider(String(inputs.__provider));
    const realFetch = globalThis.fetch;
    globalThis.fetch = (async () => new Response("PERMISSION_DENIED", { status: 403 })) as typeof fetch;
    try {
      await assert.rejects(
        provider.create?.({ project: CONTROL_PROJECT, policy: inputs.policy, accessToken: ACCESS_TOKEN }) ??
          Promise.resolve(),
        /403 PERMISSION_DENIED/,
      );
    } finally {
      globalThis.fetch = realFetch;
    }
  });
});
