import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { adminDb, json, stack } from "../support/stack.js";
import { createTenant, type Tenant } from "../support/tenants.js";

// Every forwarded call walks the production path: instance URLs are front doors that check
// Google-shaped ID tokens as Cloud Run's IAM invoker check does (invokers: deployment.json's
// instanceInvokers), and the functions get those tokens from the metadata stand-in, as from
// Google's metadata server. Behind the door, the instance still checks our own token.
const { gateway, metadata, projectId } = stack();
const account = (name: string) => `${name}@${projectId}.iam.gserviceaccount.com`;

async function idToken(who: string, audience: string): Promise<string> {
  const response = await fetch(
    `${metadata}/computeMetadata/v1/instance/service-accounts/${who}/identity?audience=${encodeURIComponent(audience)}&format=full`,
    { headers: { "metadata-flavor": "Google" } },
  );
  assert.equal(response.status, 200);
  return response.text();
}

describe("instance services accept only invokers' ID tokens", () => {
  let tenant: Tenant;
  let url: string;
  before(async () => {
    tenant = await createTenant("invoker", ["door"]);
    const doc = await adminDb()
      .collection("accounts")
      .doc(tenant.user.uid)
      .collection("instances")
      .doc("door")
      .get();
    url = String(doc.get("runtime.url"));
    assert.match(url, /^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it("a call through the gateway passes (the gateway sent an ID token the door accepted)", async () => {
    const response = await json("GET", `${gateway}/session/status`, undefined, {
      "x-api-key": tenant.accountKey,
      "x-instance-id": "door",
    });
    assert.equal(response.status, 200, JSON.stringify(response.body));
  });

  it("a direct call without an ID token is refused (403)", async () => {
    const response = await fetch(`${url}/session/status`);
    assert.equal(response.status, 403);
    assert.match(response.headers.get("content-type") ?? "", /^text\/html/);
  });

  it("an ID token for another audience is refused (401)", async () => {
    const response = await fetch(`${url}/session/status`, {
      headers: { "x-serverless-authorization": `Bearer ${await idToken("default", `${gateway}`)}` },
    });
    assert.equal(response.status, 401);
  });

  it("an ID token of an account that is not an invoker is refused (403)", async () => {
    const response = await fetch(`${url}/session/status`, {
      headers: { "x-serverless-authorization": `Bearer ${await idToken(account("wsapi-provisioner"), url)}` },
    });
    assert.equal(response.status, 403);
  });

  it("a valid ID token without our per-instance token reaches the instance, which answers 401", async () => {
    for (const who of ["default", account("wsapi-gateway"), account("wsapi-control")]) {
      const response = await fetch(`${url}/session/status`, {
        headers: { "x-serverless-authorization": `Bearer ${await idToken(who, url)}` },
      });
      assert.equal(response.status, 401, who);
      assert.match(response.headers.get("content-type") ?? "", /^application\/problem\+json/);
      assert.match(response.headers.get("www-authenticate") ?? "", /wsapi-instance/);
    }
  });
});
