// The stand-in keeps its documents across a restart when given a data file.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { deleteApp, initializeApp } from "firebase-admin/app";
import { FieldValue, GeoPoint, getFirestore, Timestamp } from "firebase-admin/firestore";
import { type RunningFirestore, startFirestore } from "../firestore/server.ts";

const dir = mkdtempSync(join(tmpdir(), "wsapi-firestore-"));
const dataFile = join(dir, "data.json");
after(() => rmSync(dir, { recursive: true, force: true }));

async function withClient<T>(
  server: RunningFirestore,
  work: (db: FirebaseFirestore.Firestore) => Promise<T>,
) {
  const app = initializeApp({ projectId: "demo-wsapi" }, `persistence-${server.port}`);
  const db = getFirestore(app);
  db.settings({ host: `127.0.0.1:${server.port}`, ssl: false });
  try {
    return await work(db);
  } finally {
    await deleteApp(app);
  }
}

const every = {
  text: "héllo 👋",
  count: 42,
  ratio: 0.25,
  yes: true,
  nothing: null,
  at: Timestamp.fromMillis(1_700_000_000_123),
  bytes: Buffer.from([0, 1, 2, 255]),
  place: new GeoPoint(52.5, 13.4),
  list: [1, "two", { three: 3 }],
  nested: { deep: { deeper: "yes" } },
};

test("documents, subcollections and update times survive a restart", async () => {
  const first = await startFirestore({ port: 0, dataFile });
  assert.equal(first.loaded, 0);
  const before = await withClient(first, async (db) => {
    await db.doc("accounts/a").set({ ...every, ref: db.doc("accounts/b") });
    await db.doc("accounts/a/instances/i1").set({ name: "one" });
    await db.doc("orphans/parent/children/c").set({ only: "child" });
    await db.doc("accounts/gone").set({ x: 1 });
    await db.doc("accounts/gone").delete();
    await db.doc("accounts/a").update({ count: FieldValue.increment(1) });
    const { createTime, updateTime } = await db.doc("accounts/a").get();
    assert.ok(createTime && updateTime && !createTime.isEqual(updateTime));
    return { createTime, updateTime };
  });
  await first.stop();
  assert.equal((statSync(dataFile).mode & 0o777).toString(8), "600");

  const second = await startFirestore({ port: 0, dataFile });
  try {
    assert.equal(second.loaded, 3);
    await withClient(second, async (db) => {
      const a = await db.doc("accounts/a").get();
      assert.deepEqual({ ...a.data(), ref: undefined }, { ...every, count: 43, ref: undefined });
      assert.equal(a.get("ref").path, "accounts/b");
      assert.ok(a.createTime?.isEqual(before.createTime), "create time kept");
      assert.ok(a.updateTime?.isEqual(before.updateTime), "update time kept");
      assert.equal((await db.doc("accounts/a/instances/i1").get()).get("name"), "one");
      assert.equal((await db.doc("orphans/parent/children/c").get()).get("only"), "child");
      assert.equal((await db.doc("accounts/gone").get()).exists, false);
      assert.equal((await db.doc("orphans/parent").get()).exists, false);
      // A precondition on the kept update time still holds, and a stale one still fails.
      await db.doc("accounts/a").update({ count: 44 }, { lastUpdateTime: before.updateTime });
      await assert.rejects(db.doc("accounts/a").update({ count: 45 }, { lastUpdateTime: before.updateTime }));
    });
  } finally {
    await second.stop();
  }
});
