import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { asUser, type DashboardUser, json, signUpAndSignIn, stack } from "../support/stack.js";
import { setAccountStatus } from "../support/tenants.js";

// The shared security cases for every dashboard route: no cookie, a forged cookie, a missing CSRF
// token on changes, and another tenant's instance answering exactly like a missing one.
const { dashboard } = stack();

const OWN_INSTANCE_ROUTES: Array<[string, string]> = [
  ["GET", "/v1/instances/{id}"],
  ["PUT", "/v1/instances/{id}/name"],
  ["PUT", "/v1/instances/{id}/settings"],
  ["PUT", "/v1/instances/{id}/apikey"],
  ["PUT", "/v1/instances/{id}/restart"],
  ["DELETE", "/v1/instances/{id}"],
  ["POST", "/v1/instances/{id}/apikey/reveal"],
  ["GET", "/v1/instances/{id}/session/status"],
  ["GET", "/v1/instances/{id}/session/qr"],
  ["GET", "/v1/instances/{id}/session/qr/text"],
  ["GET", "/v1/instances/{id}/session/pair-code/15551234567"],
  ["POST", "/v1/instances/{id}/session/logout"],
  ["GET", "/v1/instances/{id}/deliveries"],
  ["POST", "/v1/instances/{id}/webhook/test"],
  ["POST", "/v1/instances/{id}/webhook/enable"],
  ["POST", "/v1/instances/{id}/webhook/secret/reveal"],
  ["POST", "/v1/instances/{id}/webhook/secret/rotate"],
];
const ACCOUNT_ROUTES: Array<[string, string]> = [
  ["GET", "/v1/account"],
  ["GET", "/v1/account/audit"],
  ["POST", "/v1/account/api-key/reveal"],
  ["POST", "/v1/account/api-key/rotate"],
  ["GET", "/v1/instances"],
  ["POST", "/v1/instances"],
  ["GET", "/v1/instances/defaults"],
  ["PUT", "/v1/instances/defaults"],
  ["POST", "/v1/deliveries/dlv_0000000000000000000000000000000000000000/retry"],
];

// Valid bodies, so the ownership check (not body validation) decides the answer.
const BODIES: Record<string, unknown> = {
  "/v1/instances/{id}/name": { name: "renamed" },
  "/v1/instances/{id}/settings": { historySync: true },
};

function problemShape(body: Record<string, unknown>) {
  const { requestId: _ignored, ...rest } = body;
  return rest;
}

describe("dashboard security cases on every route", () => {
  let alice: DashboardUser;
  let bob: DashboardUser;

  before(async () => {
    [alice, bob] = await Promise.all([signUpAndSignIn("dash-alice"), signUpAndSignIn("dash-bob")]);
    const created = await json("POST", `${dashboard}/v1/instances`, { id: "alice-only" }, asUser(alice));
    assert.equal(created.status, 201);
  });

  it("refuses a missing or forged cookie on every route", async () => {
    for (const [method, template] of [...OWN_INSTANCE_ROUTES, ...ACCOUNT_ROUTES]) {
      const path = template.replace("{id}", "alice-only");
      const anonymous = await json(method, `${dashboard}${path}`);
      assert.equal(anonymous.status, 401, `${method} ${path} without a cookie`);
      const forged = await json(method, `${dashboard}${path}`, undefined, { cookie: "__session=forged" });
      assert.equal(forged.status, 401, `${method} ${path} with a forged cookie`);
    }
  });

  it("refuses every change without the CSRF token", async () => {
    for (const [method, template] of [...OWN_INSTANCE_ROUTES, ...ACCOUNT_ROUTES]) {
      if (method === "GET") continue;
      const path = template.replace("{id}", "alice-only");
      const response = await json(method, `${dashboard}${path}`, undefined, asUser(alice, false));
      assert.equal(response.status, 403, `${method} ${path} without CSRF`);
    }
  });

  it("answers another tenant's instance exactly like a missing one", async () => {
    for (const [method, template] of OWN_INSTANCE_ROUTES) {
      const call = (id: string) =>
        json(method, `${dashboard}${template.replace("{id}", id)}`, BODIES[template], asUser(bob));
      const foreign = await call("alice-only");
      const missing = await call("nobody-has-this");
      assert.equal(foreign.status, 404, `${method} ${template} reached alice's instance`);
      assert.equal(missing.status, foreign.status);
      assert.deepEqual(problemShape(foreign.body), problemShape(missing.body), `${method} ${template} leaks`);
    }
    const stillThere = await json(
      "GET",
      `${dashboard}/v1/instances/alice-only`,
      undefined,
      asUser(alice, false),
    );
    assert.equal(stillThere.status, 200, "bob's attempts changed nothing");
  });

  it("lets a suspended account's live session see its account but act on nothing", async () => {
    const carol = await signUpAndSignIn("dash-carol");
    await setAccountStatus(carol.uid, "suspended");
    const account = await json("GET", `${dashboard}/v1/account`, undefined, asUser(carol, false));
    assert.equal(account.status, 200);
    assert.equal(account.body.status, "suspended");
    const attempts: Array<[string, string, unknown]> = [
      ["POST", "/v1/account/api-key/reveal", undefined],
      ["POST", "/v1/account/api-key/rotate", undefined],
      ["GET", "/v1/instances", undefined],
      ["POST", "/v1/instances", {}],
    ];
    for (const [method, path, body] of attempts) {
      const response = await json(method, `${dashboard}${path}`, body, asUser(carol));
      assert.equal(response.status, 403, `${method} ${path} while suspended`);
    }
  });
});
