import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { before, describe, it } from "node:test";
import { SignJWT } from "jose";
import { adminDb, json, stack } from "../support/stack.js";
import { createTenant, type Tenant } from "../support/tenants.js";

// The events function's routes accept only a token signed with that instance's own secret.
const { events } = stack();
const ROUTES: Array<[string, string, unknown]> = [
  ["POST", "/v1/events", { events: [] }],
  ["GET", "/v1/session-state", undefined],
  ["PUT", "/v1/session-state", { state: "" }],
  ["POST", "/v1/metrics", { resourceMetrics: [] }],
  ["POST", "/v1/message-stages", { stages: [] }],
];

async function token(runtimeId: string, secret: Uint8Array, alg: "HS256" | "HS512" = "HS256") {
  return new SignJWT({})
    .setProtectedHeader({ alg })
    .setIssuer(`wsapi-instance:${runtimeId}`)
    .setSubject(runtimeId)
    .setAudience("wsapi-events")
    .setIssuedAt()
    .setExpirationTime("60s")
    .sign(secret);
}

describe("events function security cases", () => {
  let tenant: Tenant;
  let runtimeId: string;
  before(async () => {
    tenant = await createTenant("events-sec", ["ev-1"]);
    const doc = await adminDb()
      .collection("accounts")
      .doc(tenant.user.uid)
      .collection("instances")
      .doc("ev-1")
      .get();
    runtimeId = String(doc.get("runtimeId"));
  });

  it("refuses missing, garbage, forged and API-key credentials on every route", async () => {
    const forged = await token(runtimeId, randomBytes(32));
    const wrongAlg = await token(runtimeId, randomBytes(64), "HS512");
    const unknownRuntime = await token("wi0000000000000000000000", randomBytes(32));
    const credentials: Array<[string, Record<string, string>]> = [
      ["no token", {}],
      ["garbage", { authorization: "Bearer not.a.jwt" }],
      ["forged secret", { authorization: `Bearer ${forged}` }],
      ["wrong algorithm", { authorization: `Bearer ${wrongAlg}` }],
      ["unknown runtime", { authorization: `Bearer ${unknownRuntime}` }],
      ["an API key", { authorization: `Bearer ${tenant.accountKey}`, "x-api-key": tenant.accountKey }],
    ];
    for (const [method, path, body] of ROUTES) {
      for (const [name, headers] of credentials) {
        const response = await json(method, `${events}${path}`, body, headers);
        assert.equal(response.status, 401, `${method} ${path} with ${name}`);
        assert.equal(response.body.status, 401);
      }
    }
  });
});
