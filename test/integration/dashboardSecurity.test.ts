import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { DASHBOARD_ROUTES } from "../support/appRoutes.js";
import { asUser, type DashboardUser, json, signUpAndSignIn, stack } from "../support/stack.js";
import { setAccountStatus } from "../support/tenants.js";

// The shared security cases for every dashboard route: no cookie, a forged cookie, a missing CSRF
// token on changes, and another tenant's instance answering exactly like a missing one.
const { dashboard } = stack();

// Every cookie-protected route of the dashboard app, with a concrete instance and delivery id.
const concrete = (path: string, id: string) =>
  path
    .replace(":id", path.startsWith("/v1/deliveries/") ? `dlv_${"0".repeat(40)}` : id)
    .replace(":phone", "15551234567");
const ROUTES = DASHBOARD_ROUTES.map(({ method, path }) => ({ method, path }));
const OWN_INSTANCE_ROUTES = ROUTES.filter(({ path }) => path.startsWith("/v1/instances/:id"));

// Valid bodies, so the ownership check (not body validation) decides the answer.
const BODIES: Record<string, unknown> = {
  "/v1/instances/:id/name": { name: "renamed" },
  "/v1/instances/:id/settings": { historySync: true },
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
    assert.ok(ROUTES.length >= 25, "the dashboard's routes were found");
    for (const { method, path: template } of ROUTES) {
      const path = concrete(template, "alice-only");
      const anonymous = await json(method, `${dashboard}${path}`);
      assert.equal(anonymous.status, 401, `${method} ${path} without a cookie`);
      const forged = await json(method, `${dashboard}${path}`, undefined, { cookie: "__session=forged" });
      assert.equal(forged.status, 401, `${method} ${path} with a forged cookie`);
    }
  });

  it("refuses every change without the CSRF token", async () => {
    for (const { method, path: template } of ROUTES) {
      if (method === "GET") continue;
      const path = concrete(template, "alice-only");
      const response = await json(method, `${dashboard}${path}`, undefined, asUser(alice, false));
      assert.equal(response.status, 403, `${method} ${path} without CSRF`);
    }
  });

  it("answers another tenant's instance exactly like a missing one", async () => {
    for (const { method, path: template } of OWN_INSTANCE_ROUTES) {
      const call = (id: string) =>
        json(method, `${dashboard}${concrete(template, id)}`, BODIES[template], asUser(bob));
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
