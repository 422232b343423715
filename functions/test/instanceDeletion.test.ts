import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { WEBHOOK_TIMEOUT_MS } from "../src/adapters/webhooks/httpClient.js";
import {
  type DeletionRecord,
  LOGOUT_GRACE_MS,
  nextTeardownStep,
  RESUME_AFTER_MS,
  runTeardown,
  SETTLE_MS,
} from "../src/core/instanceDeletion.js";
import type { InstanceDeletionStore } from "../src/core/ports/instances.js";
import { reconcile } from "../src/core/provisioning.js";
import { fakeClock } from "./support/memoryStores.js";

// Instance deletion is one resumable job: the next step is a pure decision on its record, every
// step is idempotent, and a job whose task is lost is finished by the reconciler.
const base: DeletionRecord = { runtimeId: "wi01", accountId: "a", instanceId: "shop", requestedAt: 1_000 };

function world(record: DeletionRecord = base) {
  const clock = fakeClock(record.requestedAt);
  const jobs = new Map([[record.runtimeId, { ...record }]]);
  const calls: string[] = [];
  let deliveryDocs = 250;
  const deletions: InstanceDeletionStore = {
    get: async (id) => (jobs.has(id) ? { ...jobs.get(id)! } : undefined),
    async *list() {
      yield* [...jobs.values()];
    },
    update: async (id, patch) => {
      if (jobs.has(id)) jobs.set(id, { ...jobs.get(id)!, ...patch });
    },
    remove: async (id) => {
      calls.push("remove");
      jobs.delete(id);
    },
    deleteSessionState: async () => void calls.push("sessionState"),
    deleteDeliveryData: async (_a, _i, limit) => {
      const deleted = Math.min(limit, deliveryDocs);
      deliveryDocs -= deleted;
      calls.push(`deliveries:${deleted}`);
      return deleted;
    },
  };
  const runtime = {
    remove: async () => void calls.push("runtime"),
    list: async () => ["wi01"],
    status: async () => ({ state: "running" as const }),
  };
  const deps = {
    deletions,
    runtime: runtime as never,
    cells: [],
    clock,
    sleep: async (ms: number) => {
      clock.advance(ms);
    },
  };
  return { deps, jobs, calls, clock, runtime };
}

describe("the settle time", () => {
  it("outlasts a webhook attempt that was POSTing when the deletion committed, with 5 s to record it", () => {
    assert.ok(SETTLE_MS >= WEBHOOK_TIMEOUT_MS + 5_000);
  });
});

describe("instance deletion job", () => {
  it("decides the steps in order: logout first, then runtime, session state, delivery data, settle, finish", () => {
    const t = base.requestedAt;
    assert.equal(nextTeardownStep(base, t + 1).kind, "wait", "the request may still be logging out");
    assert.equal(nextTeardownStep(base, t + LOGOUT_GRACE_MS).kind, "removeRuntime", "no outcome: go on");
    const loggedOut = { ...base, logout: "logged_out" as const };
    assert.equal(nextTeardownStep(loggedOut, t + 1).kind, "removeRuntime");
    const removed = { ...loggedOut, runtimeRemovedAt: t + 2 };
    assert.equal(nextTeardownStep(removed, t + 2).kind, "deleteSessionState");
    const stateGone = { ...removed, sessionStateDeletedAt: t + 3 };
    assert.equal(nextTeardownStep(stateGone, t + 3).kind, "deleteDeliveryData");
    const swept = { ...stateGone, deliveryDataDeletedAt: t + 4 };
    assert.deepEqual(nextTeardownStep(swept, t + 4), {
      kind: "wait",
      until: t + SETTLE_MS,
      why: "in-flight writers settling",
    });
    assert.equal(nextTeardownStep(swept, t + SETTLE_MS).kind, "finish");
  });

  it("runs to the end: waits for the logout outcome, removes everything, sweeps again, drops the record", async () => {
    const { deps, jobs, calls, clock } = world();
    setTimeout(() => void deps.deletions.update("wi01", { logout: "logged_out" }), 0);
    await runTeardown(deps, "wi01");
    assert.equal(jobs.size, 0);
    assert.deepEqual(calls.slice(0, 3), ["runtime", "sessionState", "deliveries:100"]);
    assert.ok(calls.includes("deliveries:50") && calls.at(-1) === "remove");
    assert.ok(clock.now() >= base.requestedAt + SETTLE_MS, "the final sweep came after the settle time");
  });

  it("goes on without a logout outcome after the grace, and records that the device was not logged out", async () => {
    const { deps, jobs } = world();
    const seen: DeletionRecord[] = [];
    const update = deps.deletions.update;
    deps.deletions.update = async (id, patch) => {
      await update(id, patch);
      if (jobs.has(id)) seen.push({ ...jobs.get(id)! });
    };
    await runTeardown(deps, "wi01");
    assert.equal(seen[0]!.logout, "unreachable");
  });

  it("is idempotent and resumable: a re-run after a crash repeats nothing harmful; a finished job is a no-op", async () => {
    const { deps, jobs, calls } = world({ ...base, logout: "not_paired", runtimeRemovedAt: 1_001 });
    let crashed = false;
    const sweep = deps.deletions.deleteDeliveryData;
    deps.deletions.deleteDeliveryData = async (...args) => {
      if (!crashed) {
        crashed = true;
        throw new Error("store outage");
      }
      return sweep(...args);
    };
    await assert.rejects(runTeardown(deps, "wi01"), /store outage/);
    assert.equal(jobs.get("wi01")!.sessionStateDeletedAt !== undefined, true);
    await runTeardown(deps, "wi01");
    assert.equal(jobs.size, 0);
    assert.ok(!calls.includes("runtime"), "the recorded step is not repeated");
    await runTeardown(deps, "wi01");
    assert.equal(calls.filter((c) => c === "runtime").length, 1, "no record: only the runtime, again");
  });

  it("the reconciler leaves a job in progress its runtime, and finishes one whose task was lost", async () => {
    const { deps, jobs, calls, clock } = world();
    const provisioning = {
      instances: {
        async *listAll() {},
        getByRuntime: async () => undefined,
      } as never,
      runtime: deps.runtime,
      keyRing: {} as never,
      clock,
      baseEnv: {},
      cells: [],
      chooseCell: async () => undefined,
      deletions: deps.deletions,
      sleep: deps.sleep,
    };
    await reconcile(provisioning);
    assert.deepEqual(calls, [], "not the orphan runtime of a deletion that may still be logging out");
    clock.advance(RESUME_AFTER_MS);
    await reconcile(provisioning);
    assert.equal(jobs.size, 0);
    assert.equal(calls[0], "runtime");
  });
});
