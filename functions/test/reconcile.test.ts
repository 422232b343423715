import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { describe, it } from "node:test";
import { encrypt } from "../src/core/aead.js";
import type { Instance } from "../src/core/instances.js";
import type { InstanceStore } from "../src/core/ports/instances.js";
import type { InstanceRuntime, RuntimeStatus } from "../src/core/ports/runtime.js";
import { provisionRuntime, RolloutPendingError, reconcile } from "../src/core/provisioning.js";
import { fakeClock, memoryKeyRing } from "./support/memoryStores.js";

const keyRing = memoryKeyRing({ 1: randomBytes(32) }, 1);

function instance(runtimeId: string): Instance {
  return {
    runtimeId,
    accountId: "a",
    instanceId: runtimeId,
    runtime: { state: "running", updatedAt: 0 },
  } as Instance;
}

async function setup(
  stored: Instance[],
  running: Record<string, RuntimeStatus["state"]>,
  ensuredStatus: RuntimeStatus = { state: "running", url: "http://127.0.0.1:1" },
) {
  const instances = new Map(stored.map((item) => [item.runtimeId, item]));
  const removed: string[] = [];
  const ensured: string[] = [];
  const updates: unknown[] = [];
  const store = {
    async *listAll() {
      yield* [...instances.values()];
    },
    getByRuntime: async (id: string) => instances.get(id),
    update: async (_account: string, _instance: string, patch: unknown) => {
      updates.push(patch);
      return true;
    },
    getSecrets: async (id: string) => ({
      runtimeSecret: await encrypt(keyRing, "c2VjcmV0", {
        collection: "instanceSecrets",
        docId: id,
        field: "runtimeSecret",
      }),
    }),
  } as unknown as InstanceStore;
  const runtime: InstanceRuntime = {
    ensure: async (spec) => {
      ensured.push(spec.instanceId);
      return ensuredStatus;
    },
    restart: async () => {},
    remove: async (id) => {
      removed.push(id);
    },
    status: async (id) => ({ state: running[id] ?? "missing" }),
    list: async () => Object.keys(running),
  };
  const deps = {
    instances: store,
    runtime,
    keyRing,
    clock: fakeClock(),
    baseEnv: {},
    cells: [],
    chooseCell: async () => undefined,
  };
  return { deps, instances, removed, ensured, updates };
}

describe("reconciler", () => {
  it("re-creates crashed and missing runtimes and removes true orphans", async () => {
    const { deps, removed, ensured } = await setup([instance("ok"), instance("crashed"), instance("gone")], {
      ok: "running",
      crashed: "crashed",
      orphan: "running",
    });
    const report = await reconcile(deps);
    assert.deepEqual(ensured.sort(), ["crashed", "gone"]);
    assert.deepEqual(removed, ["orphan"]);
    assert.deepEqual(report, { checked: 3, repaired: 2, removed: 1 });
  });

  it("never removes the runtime of an instance created while it was scanning", async () => {
    const { deps, instances, removed } = await setup([], { fresh: "running" });
    const list = deps.runtime.list;
    deps.runtime.list = async () => {
      instances.set("fresh", instance("fresh"));
      return list();
    };
    await reconcile(deps);
    assert.deepEqual(removed, []);
  });
});

describe("provisioning", () => {
  const pending: RuntimeStatus = { state: "starting", url: "https://x.run.app", rolloutPending: true };

  it("records a rollout that outlasts the attempt as starting and fails the task so it retries", async () => {
    const { deps, updates } = await setup([instance("slow")], {}, pending);
    await assert.rejects(provisionRuntime(deps, "slow"), RolloutPendingError);
    assert.deepEqual(updates, [
      { runtime: { state: "starting", url: "https://x.run.app", updatedAt: 1_700_000_000_000 } },
    ]);
  });

  it("finishes when the runtime is up, and the reconciler never throws on a pending rollout", async () => {
    const done = await setup([instance("fast")], {});
    await provisionRuntime(done.deps, "fast");
    const { deps, ensured } = await setup([instance("slow")], { slow: "crashed" }, pending);
    assert.deepEqual(await reconcile(deps), { checked: 1, repaired: 1, removed: 0 });
    assert.deepEqual(ensured, ["slow"]);
  });
});
