import assert from "node:assert/strict";
import { test } from "node:test";
import { StoreDeadlineExceeded, withDeadline } from "../src/adapters/firestore/deadline.js";
import { isTransient } from "../src/http/common/problem.js";

const never = new Promise<never>(() => {});
const store = {
  calls: 0,
  async quick(n: number) {
    this.calls++;
    return n * 2;
  },
  hang: () => never,
  async broken(): Promise<never> {
    throw new Error("boom");
  },
  plain: (n: number) => n + 1,
};

test("a call that finishes in time is unchanged, `this` included", async () => {
  const bounded = withDeadline(store, 50);
  assert.equal(await bounded.quick(21), 42);
  assert.equal(store.calls, 1);
  assert.equal(bounded.plain(1), 2);
  await assert.rejects(bounded.broken(), /boom/);
});

test("a call past its deadline fails as a transient error naming the method", async () => {
  const started = Date.now();
  const error = await withDeadline(store, 30)
    .hang()
    .catch((e: unknown) => e);
  assert.ok(error instanceof StoreDeadlineExceeded);
  assert.match(error.message, /hang.*30 ms/);
  assert.ok(isTransient(error), "mapped to 503 + Retry-After");
  assert.ok(Date.now() - started < 1_000);
});
