import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { FieldValue } from "firebase-admin/firestore";
import { adminDb, json, stack } from "../support/stack.js";
import { createTenant, setPlan, type Tenant } from "../support/tenants.js";
import { waitFor } from "../support/wait.js";

// WSAPI's subscription operations through the public gateway: the default subscription derived
// from the plan, capacity per subscription, the change log, paging, and tenant isolation.
const { gateway } = stack();

// WSAPI's published fields (AccountSubscription, AccountSubscriptionChange, AccountInstance), written
// out here rather than taken from the code, so a field renamed there fails this test.
const SUBSCRIPTION_FIELDS = [
  "cancelAtPeriodEnd",
  "created",
  "curPeriodEnd",
  "curPeriodStart",
  "id",
  "instanceIds",
  "plan",
  "price",
  "quantity",
  "status",
];
const CHANGE_FIELDS = [
  "changeType",
  "id",
  "instanceId",
  "newQuantity",
  "notes",
  "previousQuantity",
  "proratedAmount",
  "subscriptionId",
  "timestamp",
];
const INSTANCE_FIELDS = [
  "created",
  "deviceId",
  "expiredAt",
  "hasApiKey",
  "id",
  "isInTrial",
  "name",
  "status",
  "trialEndsAt",
  "useCustomDefaults",
];

type Body = Record<string, unknown>;
type Paged = { items: Body[]; totalCount: number; pageNumber: number; pageSize: number };

const TWO = { id: "test-subs-two", instanceLimit: 2, requestsPerMinute: 100_000 };
const THREE = { id: "test-subs-three", instanceLimit: 3, requestsPerMinute: 100_000 };

function problemShape(body: Body) {
  const { requestId: _ignored, ...rest } = body;
  return rest;
}

describe("subscriptions through the account API", () => {
  let owner: Tenant;
  let other: Tenant;
  let subscriptionId: string;
  const as = (tenant: Tenant) => ({ "x-api-key": tenant.accountKey });
  const call = (method: string, path: string, tenant: Tenant, body?: unknown) =>
    json(method, `${gateway}${path}`, body, as(tenant));
  const changes = async (query = "") => {
    const response = await call("GET", `/account/subscriptions/${subscriptionId}/changes${query}`, owner);
    assert.equal(response.status, 200, JSON.stringify(response.body));
    return response.body as unknown as Paged;
  };

  before(async () => {
    [owner, other] = await Promise.all([createTenant("subs-owner", []), createTenant("subs-other", [])]);
    await setPlan(owner.user.uid, TWO);
  });

  it("every account has a default subscription carrying its plan's capacity, in WSAPI's shape", async () => {
    // The key cache holds the plan for up to 5 s.
    const list = await waitFor(
      () => call("GET", "/account/subscriptions", owner),
      "the plan's subscription",
      {
        until: (r) => (r.body as unknown as Paged).items?.[0]?.plan === TWO.id,
        timeoutMs: 10_000,
      },
    );
    assert.equal(list.status, 200);
    const page = list.body as unknown as Paged;
    assert.deepEqual([page.totalCount, page.pageNumber, page.pageSize], [1, 1, 20]);
    const subscription = page.items[0]!;
    assert.deepEqual(Object.keys(subscription).sort(), SUBSCRIPTION_FIELDS);
    assert.deepEqual(
      [subscription.quantity, subscription.status, subscription.cancelAtPeriodEnd, subscription.instanceIds],
      [2, "active", false, []],
    );
    assert.ok(Date.parse(String(subscription.curPeriodStart)) <= Date.now());
    assert.ok(Date.parse(String(subscription.curPeriodEnd)) > Date.now());
    subscriptionId = String(subscription.id);
    const log = await changes();
    assert.ok(log.items.length >= 1);
    assert.deepEqual(Object.keys(log.items[0]!).sort(), CHANGE_FIELDS);
    assert.ok(log.items.some((change) => change.changeType === "created"));
  });

  it("creates on the subscription and through POST /account/instances up to its capacity, then 409", async () => {
    const created = await call(
      "POST",
      `/account/subscriptions/${subscriptionId}/instances?name=Reseller%20A`,
      owner,
    );
    assert.equal(created.status, 200, JSON.stringify(created.body));
    assert.equal(typeof created.body, "string", "WSAPI answers the id as a JSON string");
    const first = created.body as unknown as string;
    const shortcut = await call("POST", "/account/instances", owner, { id: "subs-second" });
    assert.equal(shortcut.status, 201, JSON.stringify(shortcut.body));

    for (const refused of [
      await call("POST", `/account/subscriptions/${subscriptionId}/instances`, owner),
      await call("POST", "/account/instances", owner, { id: "subs-third" }),
    ]) {
      assert.equal(refused.status, 409);
      assert.match(refused.headers.get("content-type") ?? "", /application\/problem\+json/);
      assert.equal(refused.body.code, "LIMIT_REACHED");
    }

    const instances = await call("GET", `/account/subscriptions/${subscriptionId}/instances`, owner);
    assert.equal(instances.status, 200);
    const listed = instances.body as unknown as Paged;
    assert.equal(listed.totalCount, 2);
    assert.deepEqual(Object.keys(listed.items[0]!).sort(), INSTANCE_FIELDS);
    assert.deepEqual(listed.items.map((i) => i.id).sort(), [first, "subs-second"].sort());
    assert.equal(listed.items.find((i) => i.id === first)?.name, "Reseller A");

    const added = await changes("?changeType=instance_added");
    assert.deepEqual(
      added.items.map((c) => c.instanceId),
      ["subs-second", first],
      "newest first",
    );
    const one = await changes(`?instanceId=${first}`);
    assert.deepEqual(
      one.items.map((c) => [c.changeType, c.previousQuantity, c.newQuantity]),
      [["instance_added", 0, 1]],
    );

    // Removing one frees its slot and is recorded.
    const removed = await call(
      "DELETE",
      `/account/subscriptions/${subscriptionId}/instances/${first}`,
      owner,
    );
    assert.equal(removed.status, 204);
    const afterRemoval = await changes(`?instanceId=${first}`);
    assert.deepEqual(
      afterRemoval.items.map((c) => c.changeType),
      ["instance_removed", "instance_added"],
    );
    const again = await call("DELETE", `/account/subscriptions/${subscriptionId}/instances/${first}`, owner);
    assert.equal(again.status, 404);
    const remaining = await call("GET", `/account/subscriptions/${subscriptionId}/instances`, owner);
    assert.deepEqual(
      (remaining.body as unknown as Paged).items.map((i) => i.id),
      ["subs-second"],
    );
    const refilled = await call("POST", `/account/subscriptions/${subscriptionId}/instances`, owner);
    assert.equal(refilled.status, 200, JSON.stringify(refilled.body));
  });

  it("pages the change log and filters it by time", async () => {
    const all = await changes();
    assert.ok(all.totalCount >= 5, `created, 3 added, 1 removed: ${all.totalCount}`);
    const second = await changes("?pageSize=2&pageNumber=2");
    assert.deepEqual([second.totalCount, second.pageNumber, second.pageSize], [all.totalCount, 2, 2]);
    assert.deepEqual(
      second.items.map((c) => c.id),
      all.items.slice(2, 4).map((c) => c.id),
    );
    const newest = String(all.items[0]!.timestamp);
    const fromNewest = await changes(`?timestampFrom=${encodeURIComponent(newest)}`);
    assert.ok(fromNewest.items.every((c) => String(c.timestamp) >= newest));
    assert.ok(fromNewest.totalCount < all.totalCount);
    const beforeAll = await changes(`?timestampTo=${encodeURIComponent("2000-01-01T00:00:00Z")}`);
    assert.equal(beforeAll.totalCount, 0);
  });

  it("follows a plan change: more capacity, recorded as plan_changed", async () => {
    await setPlan(owner.user.uid, THREE);
    await waitFor(() => call("GET", "/account/subscriptions", owner), "the new plan", {
      until: (r) => (r.body as unknown as Paged).items?.[0]?.quantity === 3,
      timeoutMs: 10_000,
    });
    const planChange = await changes("?changeType=plan_changed");
    assert.deepEqual(
      planChange.items.map((c) => [c.previousQuantity, c.newQuantity]),
      [[2, 3]],
    );
    assert.equal(
      (await call("POST", `/account/subscriptions/${subscriptionId}/instances`, owner)).status,
      200,
    );
  });

  it("pages the subscriptions: the default one first, then those an operator added", async () => {
    const subscriptions = adminDb().collection("accounts").doc(owner.user.uid).collection("subscriptions");
    for (const [n, id] of ["sub_operator1", "sub_operator2"].entries()) {
      await subscriptions.doc(id).set({
        id,
        planId: "reseller",
        quantity: 1,
        price: "10.00 EUR/month",
        status: "active",
        cancelAtPeriodEnd: false,
        createdAt: Date.now() + n,
        instanceIds: [],
        changeSeq: 0,
        isDefault: false,
      });
    }
    const page = await call("GET", "/account/subscriptions?pageNumber=2&pageSize=2", owner);
    assert.equal(page.status, 200);
    const body = page.body as unknown as Paged;
    assert.deepEqual([body.totalCount, body.pageNumber, body.pageSize], [3, 2, 2]);
    assert.deepEqual(
      body.items.map((s) => s.id),
      ["sub_operator2"],
    );
    // Its own capacity: one instance, then 409; the default subscription is not touched.
    const created = await call("POST", "/account/subscriptions/sub_operator2/instances", owner);
    assert.equal(created.status, 200, JSON.stringify(created.body));
    assert.equal((await call("POST", "/account/subscriptions/sub_operator2/instances", owner)).status, 409);
    const log = await call("GET", "/account/subscriptions/sub_operator2/changes", owner);
    assert.deepEqual(
      (log.body as unknown as Paged).items.map((c) => [c.changeType, c.instanceId]),
      [["instance_added", created.body]],
    );
    // Deleting it through another subscription of the same account: not found there.
    const wrong = await call(
      "DELETE",
      `/account/subscriptions/${subscriptionId}/instances/${created.body}`,
      owner,
    );
    assert.equal(wrong.status, 404);
  });

  it("answers another tenant's subscription exactly like one that does not exist", async () => {
    const foreignPaths = (id: string) => [
      ["GET", `/account/subscriptions/${id}/instances`],
      ["GET", `/account/subscriptions/${id}/changes`],
      ["POST", `/account/subscriptions/${id}/instances`],
      ["DELETE", `/account/subscriptions/${id}/instances/subs-second`],
    ];
    const missing = foreignPaths("sub_nobodyhasthis");
    for (const [index, [method, path]] of foreignPaths(subscriptionId).entries()) {
      const foreign = await call(method!, path!, other);
      const unknown = await call(missing[index]![0]!, missing[index]![1]!, other);
      assert.equal(foreign.status, 404, `${method} ${path}`);
      assert.deepEqual(problemShape(foreign.body), problemShape(unknown.body), `${method} ${path} leaks`);
    }
    const own = await call("GET", "/account/subscriptions", other);
    assert.ok((own.body as unknown as Paged).items.every((s) => s.id !== subscriptionId));
    // The owner's instance is not reachable through the other tenant's own subscription either.
    const otherSubscription = String((own.body as unknown as Paged).items[0]!.id);
    const crossed = await call(
      "DELETE",
      `/account/subscriptions/${otherSubscription}/instances/subs-second`,
      other,
    );
    assert.equal(crossed.status, 404);
    const still = await call("GET", "/account/instances/subs-second", owner);
    assert.equal(still.status, 200);
  });

  it("refuses bad input with problem+json and instance keys with 403", async () => {
    for (const path of [
      "/account/subscriptions?pageSize=0",
      "/account/subscriptions?pageNumber=x",
      `/account/subscriptions/${subscriptionId}/changes?changeType=bogus`,
      `/account/subscriptions/${subscriptionId}/changes?timestampFrom=yesterday`,
      `/account/subscriptions/${subscriptionId}/instances?createdTo=2026-13-40`,
    ]) {
      const response = await call("GET", path, owner);
      assert.equal(response.status, 400, path);
      assert.equal(response.body.code, "VALIDATION", path);
      assert.match(
        String(response.body.detail),
        /^(pageSize|pageNumber|changeType|timestampFrom|createdTo):/,
      );
    }
    const longName = await call(
      "POST",
      `/account/subscriptions/${subscriptionId}/instances?name=${"n".repeat(300)}`,
      owner,
    );
    assert.equal(longName.status, 400);
    const instanceKey = await call("POST", "/account/instances", other, { id: "subs-key" });
    assert.equal(instanceKey.status, 201);
    const refused = await json("GET", `${gateway}/account/subscriptions`, undefined, {
      "x-api-key": String(instanceKey.body.apiKey),
    });
    assert.equal(refused.status, 403);
  });

  it("moves an account's instances from before subscriptions onto its default one at first use", async () => {
    const legacy = await createTenant("subs-legacy", []);
    const created = await call("POST", "/account/instances", legacy, { id: "legacy-1" });
    assert.equal(created.status, 201);
    // Back to the shape of an account from before subscriptions: no subscription, no subscriptionId.
    const account = adminDb().collection("accounts").doc(legacy.user.uid);
    for (const subscription of (await account.collection("subscriptions").get()).docs) {
      for (const change of (await subscription.ref.collection("changes").get()).docs)
        await change.ref.delete();
      await subscription.ref.delete();
    }
    await account.collection("instances").doc("legacy-1").update({ subscriptionId: FieldValue.delete() });

    const list = await call("GET", "/account/subscriptions", legacy);
    const [derived] = (list.body as unknown as Paged).items;
    assert.deepEqual(derived?.instanceIds, ["legacy-1"]);
    const stamped = await account.collection("instances").doc("legacy-1").get();
    assert.equal(stamped.get("subscriptionId"), derived?.id);
    const log = await call("GET", `/account/subscriptions/${derived?.id}/changes`, legacy);
    assert.match(String((log.body as unknown as Paged).items[0]?.notes), /1 existing instance\b/);
    const removed = await call("DELETE", `/account/subscriptions/${derived?.id}/instances/legacy-1`, legacy);
    assert.equal(removed.status, 204);
  });
});
