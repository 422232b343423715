// Firestore behaviours WSAPI relies on. Runs against FIRESTORE_EMULATOR_HOST when set (e.g. the
// official emulator); otherwise starts our stand-in (scripts/firestore/server.ts) on a free port.
// Run: node --import tsx --test test/firestore/conformance.test.ts
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, describe, test } from "node:test";
import { type App, deleteApp, initializeApp } from "firebase-admin/app";
import { type Firestore, getFirestore, type Query } from "firebase-admin/firestore";
import { startFirestore } from "../../scripts/firestore/server.ts";

const RUN = `conformance-${Date.now().toString(36)}-${randomUUID().slice(0, 8)}`;
let app: App;
let db: Firestore;
let stopServer: (() => Promise<void>) | undefined;

/** A fresh collection per test so runs and tests never see each other's documents. */
const col = (name: string) => db.collection(`${RUN}-${name}`);

/** A promise plus its resolver, used to hold a transaction open at a known point. */
function latch(): { promise: Promise<void>; open: () => void } {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { promise, open };
}

async function within<T>(ms: number, what: string, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

const grpcCode = (err: unknown) => (err as { code?: unknown }).code;

before(async () => {
  if (!process.env.FIRESTORE_EMULATOR_HOST) {
    const running = await startFirestore({ port: 0 });
    stopServer = running.stop;
    process.env.FIRESTORE_EMULATOR_HOST = `127.0.0.1:${running.port}`;
  }
  app = initializeApp({ projectId: "demo-wsapi" }, RUN);
  db = getFirestore(app);
});

after(async () => {
  await deleteApp(app);
  await stopServer?.();
});

describe("transactions", { timeout: 60_000 }, () => {
  test("20 concurrent read-modify-write increments on one document all land", async () => {
    const ref = col("counter").doc("c");
    await ref.set({ n: 0 });
    await Promise.all(
      Array.from({ length: 20 }, () =>
        db.runTransaction(async (tx) => {
          const snap = await tx.get(ref);
          tx.update(ref, { n: snap.get("n") + 1 });
        }),
      ),
    );
    assert.equal((await ref.get()).get("n"), 20);
  });

  test("transactional query reads are isolated too", async () => {
    const slots = col("slots");
    await slots.doc("s").set({ kind: "slot", n: 0 });
    await Promise.all(
      Array.from({ length: 10 }, () =>
        db.runTransaction(async (tx) => {
          const [doc] = (await tx.get(slots.where("kind", "==", "slot"))).docs;
          assert.ok(doc);
          tx.update(doc.ref, { n: doc.get("n") + 1 });
        }),
      ),
    );
    assert.equal((await slots.doc("s").get()).get("n"), 10);
  });

  test("transactions on different documents do not block each other", async () => {
    const a = col("independent").doc("a");
    const b = col("independent").doc("b");
    const aHasRead = latch();
    const release = latch();
    const slow = db.runTransaction(async (tx) => {
      const snap = await tx.get(a);
      aHasRead.open();
      await release.promise;
      tx.set(a, { n: (snap.get("n") ?? 0) + 1 });
    });
    try {
      await within(5000, "first transaction's read", aHasRead.promise);
      const fast = db.runTransaction(async (tx) => {
        const snap = await tx.get(b);
        tx.set(b, { n: (snap.get("n") ?? 0) + 1 });
      });
      await within(2000, "transaction on another document", fast);
    } finally {
      release.open();
      await slow;
    }
    assert.equal((await a.get()).get("n"), 1);
    assert.equal((await b.get()).get("n"), 1);
  });

  test("a plain write to a document a transaction has read is not lost or overwritten", async () => {
    const ref = col("ordered").doc("d");
    await ref.set({ n: 0 });
    const hasRead = latch();
    const release = latch();
    const txn = db.runTransaction(async (tx) => {
      const snap = await tx.get(ref);
      hasRead.open();
      await release.promise;
      tx.set(ref, { n: snap.get("n") + 1 });
    });
    await within(5000, "transaction read", hasRead.promise);
    const plain = ref.set({ n: 100 });
    await new Promise((resolve) => setTimeout(resolve, 200));
    release.open();
    await Promise.all([txn, plain]);
    // Either the write waited for the commit (100) or the transaction retried after it (101).
    assert.ok([100, 101].includes((await ref.get()).get("n")), `got ${(await ref.get()).get("n")}`);
  });

  test("racing create-if-absent transactions leave exactly one winner", async () => {
    const ref = col("claims").doc("unique");
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        db.runTransaction(async (tx) => {
          if ((await tx.get(ref)).exists) return -1;
          tx.create(ref, { owner: i });
          return i;
        }),
      ),
    );
    const winners = results.filter((r) => r >= 0);
    assert.equal(winners.length, 1, `winners: ${winners.join(",")}`);
    assert.equal((await ref.get()).get("owner"), winners[0]);
  });

  test("quota pattern: N parallel check-then-create transactions create exactly L documents", async () => {
    const quota = col("quota");
    const counter = quota.doc("_counter");
    const limit = 5;
    const granted = await Promise.all(
      Array.from({ length: 15 }, (_, i) =>
        db.runTransaction(async (tx) => {
          const used: number = (await tx.get(counter)).get("used") ?? 0;
          if (used >= limit) return false;
          tx.create(quota.doc(`item-${i}`), { i });
          tx.set(counter, { used: used + 1 });
          return true;
        }),
      ),
    );
    assert.equal(granted.filter(Boolean).length, limit);
    assert.equal((await counter.get()).get("used"), limit);
    assert.equal((await quota.where("i", ">=", 0).get()).size, limit);
  });
});

describe("writes", { timeout: 30_000 }, () => {
  test("create() on an existing document fails with ALREADY_EXISTS", async () => {
    const ref = col("create").doc("x");
    await ref.create({ v: 1 });
    await assert.rejects(ref.create({ v: 2 }), (err) => grpcCode(err) === 6);
    assert.equal((await ref.get()).get("v"), 1);
  });

  test("a batch containing a failing create() applies none of its writes", async () => {
    const c = col("batch-create");
    await c.doc("taken").set({ v: 1 });
    const batch = db.batch();
    batch.set(c.doc("fresh"), { v: 1 });
    batch.update(c.doc("taken"), { v: 2 });
    batch.create(c.doc("taken"), { v: 3 });
    await assert.rejects(batch.commit(), (err) => grpcCode(err) === 6);
    assert.equal((await c.doc("fresh").get()).exists, false);
    assert.equal((await c.doc("taken").get()).get("v"), 1);
  });

  test("batched writes are all-or-nothing", async () => {
    const c = col("batch");
    await c.doc("keep").set({ v: 1 });
    await c.doc("gone").set({ v: 1 });
    const failing = db.batch();
    failing.set(c.doc("new"), { v: 1 });
    failing.delete(c.doc("gone"));
    failing.update(c.doc("missing"), { v: 1 });
    await assert.rejects(failing.commit(), (err) => grpcCode(err) === 5);
    assert.equal((await c.doc("new").get()).exists, false);
    assert.equal((await c.doc("gone").get()).exists, true);

    const ok = db.batch();
    ok.set(c.doc("new"), { v: 1 });
    ok.update(c.doc("keep"), { v: 2 });
    ok.delete(c.doc("gone"));
    await ok.commit();
    const [added, kept, gone] = await db.getAll(c.doc("new"), c.doc("keep"), c.doc("gone"));
    assert.deepEqual([added?.get("v"), kept?.get("v"), gone?.exists], [1, 2, false]);
  });
});

describe("queries", { timeout: 30_000 }, () => {
  const seed = [
    { id: "e", n: 5, tag: "a" },
    { id: "b", n: 2, tag: "b" },
    { id: "d", n: 4, tag: "b" },
    { id: "a", n: 1, tag: "a" },
    { id: "c", n: 3, tag: "a" },
  ];
  const q = () => col("query");

  before(async () => {
    const batch = db.batch();
    for (const { id, ...data } of seed) batch.set(q().doc(id), data);
    await batch.commit();
  });

  const ids = async (query: Query) => (await query.get()).docs.map((d) => d.id);

  test("orderBy + limit", async () => {
    assert.deepEqual(await ids(q().orderBy("n").limit(3)), ["a", "b", "c"]);
    assert.deepEqual(await ids(q().orderBy("n", "desc").limit(2)), ["e", "d"]);
  });

  test("offset skips before the limit applies (page numbers of the account API's lists)", async () => {
    assert.deepEqual(await ids(q().orderBy("n").offset(2).limit(2)), ["c", "d"]);
    assert.deepEqual(await ids(q().orderBy("n", "desc").offset(3)), ["b", "a"]);
    assert.deepEqual(await ids(q().where("tag", "==", "a").orderBy("n").offset(1).limit(1)), ["c"]);
  });

  test("where with range and equality filters", async () => {
    assert.deepEqual(await ids(q().where("n", ">", 2).orderBy("n", "desc")), ["e", "d", "c"]);
    assert.deepEqual((await ids(q().where("tag", "==", "a"))).sort(), ["a", "c", "e"]);
    assert.deepEqual(await ids(q().where("tag", "==", "a").where("n", "<", 5).orderBy("n").limit(1)), ["a"]);
    assert.deepEqual(await ids(q().where("tag", "==", "zzz")), []);
  });

  test("count() aggregation", async () => {
    assert.equal((await q().count().get()).data().count, 5);
    assert.equal((await q().where("tag", "==", "b").count().get()).data().count, 2);
    assert.equal((await q().where("n", ">=", 100).count().get()).data().count, 0);
  });
});
