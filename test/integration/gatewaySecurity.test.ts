import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { INSTANCE_ROUTES } from "@wsapi/contracts/routes";
import { ACCOUNT_ROUTES } from "../../functions/src/http/api/accountRoutes.js";
import { json, stack } from "../support/stack.js";
import { createTenant, setAccountStatus, type Tenant } from "../support/tenants.js";
import { waitFor } from "../support/wait.js";

// The shared security cases, run for every route the gateway serves (the route table's, the
// gateway's own event stream included), so a new route cannot skip them.
const { gateway } = stack();

const SAMPLE_PARAMS: Record<string, string> = {
  messageId: "3EB0C767D26A1D4C1B11",
  chatId: "15551234567@s.whatsapp.net",
  contactId: "15551234567@s.whatsapp.net",
  phone: "15551234567",
  groupId: "120363025246125888@g.us",
  code: "AbCdEfGh",
  communityId: "120363025246125999@g.us",
  newsletterId: "120363025246125777@newsletter",
  callId: "CALL0001",
};

const concrete = (path: string) =>
  path.replace(/:(\w+)/g, (_, name: string) => encodeURIComponent(SAMPLE_PARAMS[name]!));

/** An account route's path with the given instance and subscription ids in its parameters. */
const accountPath = (path: string, ids: { instance: string; subscription: string }) =>
  path
    .replace(/^\/account\/instances\/:id/, `/account/instances/${ids.instance}`)
    .replace(/^\/account\/subscriptions\/:id/, `/account/subscriptions/${ids.subscription}`)
    .replace(":instanceId", ids.instance);

function problemShape(body: Record<string, unknown>) {
  const { requestId: _ignored, ...rest } = body;
  return rest;
}

describe("shared security cases on every route", () => {
  let alice: Tenant;
  let bob: Tenant;
  let carol: Tenant;
  let revokedKey: string;
  const malformed = "wsk_not-a-key";
  const badChecksum = () => `${alice.accountKey.slice(0, -1)}${alice.accountKey.endsWith("A") ? "B" : "A"}`;

  before(async () => {
    [alice, bob, carol] = await Promise.all([
      createTenant("alice", ["shared-name", "alice-2"]),
      createTenant("bob", ["shared-name"]),
      createTenant("carol", ["carol-1"]),
    ]);
    revokedKey = alice.instances[1]!.apiKey;
    const rotated = await json("PUT", `${gateway}/account/instances/alice-2/apikey`, undefined, {
      "x-api-key": alice.accountKey,
    });
    assert.equal(rotated.status, 200);
    await setAccountStatus(carol.user.uid, "suspended");
    // The key cache holds a verdict for at most 5 s; wait until rotation and suspension are visible.
    const status = (apiKey: string, instanceId: string) =>
      json("GET", `${gateway}/session/status`, undefined, {
        "x-api-key": apiKey,
        "x-instance-id": instanceId,
      });
    await waitFor(() => status(revokedKey, "alice-2"), "the revoked key refused (401)", {
      until: (r) => r.status === 401,
      timeoutMs: 6_000,
    });
    await waitFor(() => status(carol.accountKey, "carol-1"), "the suspended account refused (403)", {
      until: (r) => r.status === 403,
      timeoutMs: 6_000,
    });
  });

  it("instance routes: 400 without X-Instance-Id, 401 for bad keys, 403 suspended", async () => {
    for (const route of INSTANCE_ROUTES) {
      const url = `${gateway}${concrete(route.path)}`;
      const label = `${route.method} ${route.path}`;
      const call = (headers: Record<string, string>) => json(route.method, url, undefined, headers);
      assert.equal((await call({ "x-instance-id": "shared-name" })).status, 401, `${label}: no key`);
      assert.equal(
        (await call({ "x-api-key": malformed, "x-instance-id": "shared-name" })).status,
        401,
        `${label}: malformed`,
      );
      assert.equal(
        (await call({ "x-api-key": badChecksum(), "x-instance-id": "shared-name" })).status,
        401,
        `${label}: checksum`,
      );
      assert.equal(
        (await call({ "x-api-key": revokedKey, "x-instance-id": "alice-2" })).status,
        401,
        `${label}: revoked`,
      );
      assert.equal((await call({ "x-api-key": alice.accountKey })).status, 400, `${label}: no instance id`);
      assert.equal(
        (await call({ "x-api-key": carol.accountKey, "x-instance-id": "carol-1" })).status,
        403,
        `${label}: suspended`,
      );
    }
  });

  it("instance routes: another tenant's instance answers exactly like one that does not exist", async () => {
    for (const route of INSTANCE_ROUTES) {
      const url = `${gateway}${concrete(route.path)}`;
      const label = `${route.method} ${route.path}`;
      const call = (apiKey: string, instanceId: string) =>
        json(route.method, url, undefined, { "x-api-key": apiKey, "x-instance-id": instanceId });
      const missing = await call(alice.accountKey, "nobody-has-this");
      assert.equal(missing.status, 404, `${label}: missing`);
      for (const [name, response] of [
        ["bob's instance with alice's key", await call(alice.accountKey, "carol-1")],
        ["alice's instance with bob's key", await call(bob.accountKey, "alice-2")],
        ["alice's other instance with her instance key", await call(alice.instances[0]!.apiKey, "alice-2")],
      ] as const) {
        assert.equal(response.status, 404, `${label}: ${name}`);
        assert.deepEqual(problemShape(response.body), problemShape(missing.body), `${label}: ${name} leaks`);
      }
    }
  });

  it("account routes: 401 for bad keys, 403 suspended or instance key, 404 for another tenant's id", async () => {
    const subscriptions = await json("GET", `${gateway}/account/subscriptions`, undefined, {
      "x-api-key": alice.accountKey,
    });
    const aliceIds = {
      instance: "alice-2",
      subscription: String((subscriptions.body.items as Array<{ id: string }>)[0]!.id),
    };
    const nobody = { instance: "nobody-has-this", subscription: "sub_nobodyhasthis" };
    for (const route of ACCOUNT_ROUTES) {
      const label = `${route.method} ${route.path}`;
      const call = (apiKey: string | undefined, ids = aliceIds) =>
        json(
          route.method,
          `${gateway}${accountPath(route.path, ids)}`,
          undefined,
          apiKey ? { "x-api-key": apiKey } : {},
        );
      assert.equal((await call(undefined)).status, 401, `${label}: no key`);
      assert.equal((await call(malformed)).status, 401, `${label}: malformed`);
      assert.equal((await call(badChecksum())).status, 401, `${label}: checksum`);
      assert.equal((await call(carol.accountKey)).status, 403, `${label}: suspended`);
      assert.equal((await call(alice.instances[0]!.apiKey)).status, 403, `${label}: instance key`);
      if (route.path.includes(":id")) {
        const foreign = await call(bob.accountKey);
        const missing = await call(bob.accountKey, nobody);
        assert.equal(foreign.status, missing.status, `${label}: foreign vs missing`);
        assert.deepEqual(problemShape(foreign.body), problemShape(missing.body), `${label}: leaks`);
      }
    }
  });
});
