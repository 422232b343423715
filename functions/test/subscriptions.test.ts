import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ApiError } from "../src/core/errors.js";
import type { InstanceDeps } from "../src/core/instanceService.js";
import type { Instance } from "../src/core/instances.js";
import type { Plan } from "../src/core/ports/accounts.js";
import type { SubscriptionStore } from "../src/core/ports/subscriptions.js";
import {
  listSubscriptionInstances,
  listSubscriptions,
  requireSubscription,
} from "../src/core/subscriptionService.js";
import {
  AccountSubscription,
  AccountSubscriptionChange,
  addInstance,
  changeView,
  currentPeriod,
  defaultSubscription,
  defaultSubscriptionId,
  deriveDefault,
  followPlan,
  removeInstance,
  type Subscription,
  subscriptionChangesQuery,
  subscriptionInstancesQuery,
  subscriptionView,
} from "../src/core/subscriptions.js";
import { fakeClock } from "./support/memoryStores.js";

const FREE: Plan = { id: "free", instanceLimit: 2, requestsPerMinute: 120 };
const PRO: Plan = { id: "pro", instanceLimit: 5, requestsPerMinute: 600, price: "49.00 EUR/month" };
const NOW = Date.UTC(2026, 0, 31, 12);

/** A subscription store in memory, writing through the same transitions as the Firestore adapter. */
function memorySubscriptions(accounts: string[]) {
  const subscriptions = new Map<string, Subscription>();
  const key = (accountId: string, id: string) => `${accountId}/${id}`;
  let syncs = 0;
  const store: SubscriptionStore = {
    async get(accountId, id) {
      return subscriptions.get(key(accountId, id));
    },
    async list(accountId, { pageNumber, pageSize }) {
      const own = [...subscriptions.entries()]
        .filter(([k]) => k.startsWith(`${accountId}/`))
        .map(([, s]) => s)
        .sort((a, b) => a.createdAt - b.createdAt);
      return { items: own.slice((pageNumber - 1) * pageSize, pageNumber * pageSize), totalCount: own.length };
    },
    async listChanges() {
      return { items: [], totalCount: 0 };
    },
    async instances() {
      return [];
    },
    async syncDefault(accountId, plan, now) {
      syncs++;
      if (!accounts.includes(accountId)) return undefined;
      const current = subscriptions.get(key(accountId, defaultSubscriptionId(accountId)));
      const next = current
        ? (followPlan(current, plan, now)?.next ?? current)
        : deriveDefault(accountId, plan, [], now).next;
      subscriptions.set(key(accountId, next.id), next);
      return next;
    },
  };
  return { store, subscriptions, key, syncs: () => syncs };
}

function depsWith(store: SubscriptionStore, instances: Instance[] = []) {
  return {
    subscriptions: store,
    clock: fakeClock(NOW),
    instances: {
      get: async (accountId: string, id: string) =>
        instances.find((i) => i.accountId === accountId && i.instanceId === id),
    },
  } as unknown as InstanceDeps;
}

function instanceAt(id: string, createdAt: number, loggedIn: boolean): Instance {
  return {
    instanceId: id,
    accountId: "u1",
    runtimeId: `wi${id}`,
    subscriptionId: defaultSubscriptionId("u1"),
    name: id,
    createdAt,
    settings: {
      useCustomDefaults: false,
      pullMode: false,
      webhookUrl: null,
      historySync: false,
      eventFilters: null,
      webhookAuthHeader: null,
      hasSigningSecret: false,
      hasWebhookAuthValue: false,
    },
    apiKey: { prefix: "wsk_abc", createdAt },
    runtime: { state: "running", updatedAt: createdAt },
    device: { isConnected: loggedIn, isLoggedIn: loggedIn, deviceId: null },
  };
}

describe("subscriptions: capacity and the change record", () => {
  it("derives an account's default subscription from its plan, holding the instances it already has", () => {
    const { next, change } = deriveDefault("u1", FREE, ["b", "a"], NOW);
    assert.equal(next.id, defaultSubscriptionId("u1"));
    assert.notEqual(next.id, defaultSubscriptionId("u2"), "ids differ between accounts");
    assert.deepEqual(
      [next.planId, next.quantity, next.instanceIds, next.isDefault],
      ["free", 2, ["a", "b"], true],
    );
    assert.deepEqual([change.changeType, change.newQuantity, change.id], ["created", 2, "chg_00000001"]);
    assert.match(change.notes ?? "", /2 existing instances$/);
  });

  it("fills a subscription up to its quantity, then refuses; removing frees a slot; each step is one record", () => {
    let subscription = deriveDefault("u1", FREE, [], NOW).next;
    const ids: string[] = [];
    for (const instanceId of ["one", "two"]) {
      const added = addInstance(subscription, instanceId, NOW);
      assert.notEqual(added, "limit");
      if (added === "limit") return;
      assert.deepEqual([added.change.changeType, added.change.instanceId], ["instance_added", instanceId]);
      ids.push(added.change.id);
      subscription = added.next;
    }
    assert.equal(addInstance(subscription, "three", NOW), "limit");
    assert.equal(removeInstance(subscription, "never-added", NOW), undefined);
    const removed = removeInstance(subscription, "one", NOW)!;
    assert.deepEqual(
      [removed.change.changeType, removed.change.previousQuantity, removed.change.newQuantity],
      ["instance_removed", 2, 1],
    );
    assert.deepEqual(removed.next.instanceIds, ["two"]);
    assert.notEqual(addInstance(removed.next, "three", NOW), "limit");
    assert.deepEqual([...ids, removed.change.id], ["chg_00000002", "chg_00000003", "chg_00000004"]);
    assert.equal(addInstance({ ...subscription, status: "canceled", instanceIds: [] }, "x", NOW), "limit");
  });

  it("follows a plan change (plan_changed) and a capacity change of the same plan (quantity_changed)", () => {
    const base = deriveDefault("u1", FREE, ["a"], NOW).next;
    assert.equal(followPlan(base, FREE, NOW), undefined, "in line: nothing to record");
    const upgraded = followPlan(base, PRO, NOW)!;
    assert.deepEqual(
      [upgraded.change.changeType, upgraded.change.previousQuantity, upgraded.change.newQuantity],
      ["plan_changed", 2, 5],
    );
    assert.deepEqual(
      [upgraded.next.planId, upgraded.next.price, upgraded.next.instanceIds],
      ["pro", "49.00 EUR/month", ["a"]],
    );
    const resized = followPlan(upgraded.next, { ...PRO, instanceLimit: 8 }, NOW)!;
    assert.equal(resized.change.changeType, "quantity_changed");
  });

  it("computes monthly periods from the creation day, clamped at month ends", () => {
    const created = Date.UTC(2026, 0, 31, 12);
    const first = currentPeriod(created, Date.UTC(2026, 1, 10));
    assert.equal(first.start.toISOString(), "2026-01-31T12:00:00.000Z");
    assert.equal(first.end.toISOString(), "2026-02-28T12:00:00.000Z");
    const later = currentPeriod(created, Date.UTC(2026, 4, 1));
    assert.equal(later.start.toISOString(), "2026-04-30T12:00:00.000Z");
    assert.equal(later.end.toISOString(), "2026-05-31T12:00:00.000Z");
    const atStart = currentPeriod(created, created);
    assert.equal(atStart.start.getTime(), created);
  });

  it("answers WSAPI's field names and types", () => {
    const { next, change } = deriveDefault("u1", PRO, ["a"], NOW);
    const view = AccountSubscription.strict().parse(subscriptionView(next, NOW + 1000));
    assert.deepEqual([view.plan, view.quantity, view.instanceIds, view.status], ["pro", 5, ["a"], "active"]);
    const changed = AccountSubscriptionChange.strict().parse(changeView(change));
    assert.equal(changed.proratedAmount, null);
    assert.equal(changed.timestamp, new Date(NOW).toISOString());
  });

  it("validates the query strings: paging, RFC 3339 instants, known change types", () => {
    assert.deepEqual(subscriptionChangesQuery.parse({}), { pageNumber: 1, pageSize: 20 });
    const parsed = subscriptionChangesQuery.parse({
      timestampFrom: "2026-01-01T00:00:00Z",
      changeType: "instance_added",
    });
    assert.equal(parsed.timestampFrom, Date.UTC(2026, 0, 1));
    for (const bad of [
      { pageSize: "0" },
      { pageSize: "101" },
      { timestampTo: "yesterday" },
      { changeType: "x" },
      { instanceId: "a/b" },
    ]) {
      assert.equal(subscriptionChangesQuery.safeParse(bad).success, false, JSON.stringify(bad));
    }
    assert.equal(
      subscriptionInstancesQuery.safeParse({ createdFrom: "2026-13-01T00:00:00Z" }).success,
      false,
    );
  });
});

describe("subscriptions: the account API's use-cases", () => {
  const owner = { accountId: "u1", plan: FREE };

  it("derives the default subscription on first use, then reads it without a transaction", async () => {
    const memory = memorySubscriptions(["u1"]);
    const deps = depsWith(memory.store);
    const page = await listSubscriptions(deps, owner, { pageNumber: 1, pageSize: 20 });
    assert.equal(page.totalCount, 1);
    assert.equal(page.items[0]!.id, defaultSubscriptionId("u1"));
    await listSubscriptions(deps, owner, { pageNumber: 1, pageSize: 20 });
    assert.equal(memory.syncs(), 1, "in line with the plan: one read, no transaction");
    await listSubscriptions(deps, { ...owner, plan: PRO }, { pageNumber: 1, pageSize: 20 });
    assert.equal(memory.syncs(), 2, "a plan change is followed");
    assert.equal(await defaultSubscription(memory.store, "gone", FREE, NOW), undefined);
  });

  it("pages the subscriptions with WSAPI's envelope", async () => {
    const memory = memorySubscriptions(["u1"]);
    for (const n of [1, 2]) {
      const extra = { ...deriveDefault("u1", PRO, [], NOW + n).next, id: `sub_extra${n}`, isDefault: false };
      memory.subscriptions.set(memory.key("u1", extra.id), extra);
    }
    const deps = depsWith(memory.store);
    const second = await listSubscriptions(deps, owner, { pageNumber: 2, pageSize: 2 });
    assert.deepEqual([second.totalCount, second.pageNumber, second.pageSize], [3, 2, 2]);
    assert.deepEqual(
      second.items.map((s) => s.id),
      ["sub_extra2"],
    );
  });

  it("answers another account's subscription, and an id no subscription can have, like an unknown one", async () => {
    const memory = memorySubscriptions(["u1", "u2"]);
    const deps = depsWith(memory.store);
    await listSubscriptions(deps, { accountId: "u2", plan: FREE }, { pageNumber: 1, pageSize: 20 });
    const refusals = await Promise.all(
      [defaultSubscriptionId("u2"), "sub_nobody", "a/b", "x".repeat(200)].map((id) =>
        requireSubscription(deps, owner, id).catch((error: unknown) => error),
      ),
    );
    for (const refusal of refusals) {
      assert.ok(refusal instanceof ApiError);
      assert.deepEqual([refusal.code, refusal.detail], ["NOT_FOUND", "No such subscription."]);
    }
  });

  it("filters a subscription's instances by creation time and status, oldest first, then pages", async () => {
    const memory = memorySubscriptions(["u1"]);
    const instances = [
      instanceAt("c", NOW + 3, true),
      instanceAt("a", NOW + 1, false),
      instanceAt("b", NOW + 2, true),
    ];
    memory.store.instances = async () => instances;
    const deps = depsWith(memory.store, instances);
    const id = defaultSubscriptionId("u1");
    const all = await listSubscriptionInstances(deps, owner, id, { pageNumber: 1, pageSize: 2 });
    assert.deepEqual([all.totalCount, all.items.map((i) => i.id)], [3, ["a", "b"]]);
    const connected = await listSubscriptionInstances(deps, owner, id, {
      pageNumber: 1,
      pageSize: 20,
      status: "connected",
    });
    assert.deepEqual(
      connected.items.map((i) => i.id),
      ["b", "c"],
    );
    const window = await listSubscriptionInstances(deps, owner, id, {
      pageNumber: 1,
      pageSize: 20,
      createdFrom: NOW + 2,
      createdTo: NOW + 2,
    });
    assert.deepEqual(
      window.items.map((i) => i.id),
      ["b"],
    );
  });
});
