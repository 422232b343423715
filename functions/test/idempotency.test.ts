import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { describe, it } from "node:test";
import { ApiError } from "../src/core/errors.js";
import {
  type Answer,
  CLAIM_STALE_MS,
  DUPLICATE_WAIT_MS,
  IDEMPOTENCY_TTL_MS,
  type IdempotencyDeps,
  withIdempotency,
} from "../src/core/idempotency.js";
import { memoryIdempotencyStore } from "./support/memoryIdempotency.js";
import { fakeClock, memoryKeyRing } from "./support/memoryStores.js";

function world() {
  const clock = fakeClock();
  const store = memoryIdempotencyStore();
  const deps: IdempotencyDeps = {
    idempotency: store,
    keyRing: memoryKeyRing({ 1: randomBytes(32) }, 1),
    pepper: randomBytes(32),
    clock,
    sleep: async (ms) => {
      clock.advance(ms);
      await new Promise((resolve) => setImmediate(resolve));
    },
  };
  let sends = 0;
  const send = async (): Promise<Answer> => {
    sends += 1;
    return { status: 201, contentType: "application/json", body: Buffer.from(`{"id":"msg-${sends}"}`) };
  };
  return { clock, store, deps, send, sends: () => sends };
}

const request = (body = '{"to":"15551234567","text":"sentinel-text"}', key = "order-42") => ({
  runtimeId: "wi01",
  key,
  method: "POST",
  pathAndQuery: "/messages/text",
  body: Buffer.from(body),
});

const text = (answer: Answer) => Buffer.from(answer.body).toString("utf8");

describe("Idempotency-Key", () => {
  it("replays the first answer for the same request and sends once", async () => {
    const { deps, send, sends } = world();
    const first = await withIdempotency(deps, request(), send);
    const again = await withIdempotency(deps, request(), send);
    assert.equal(sends(), 1);
    assert.equal(again.status, 201);
    assert.equal(text(again), text(first));
    assert.equal(again.replayed, true);
  });

  it("refuses the same key for a different request with 422, and keys are per instance", async () => {
    const { deps, send, sends } = world();
    await withIdempotency(deps, request(), send);
    await assert.rejects(
      withIdempotency(deps, request('{"to":"15551234567","text":"other"}'), send),
      (error) => error instanceof ApiError && error.code === "IDEMPOTENCY_KEY_REUSED" && error.status === 422,
    );
    await withIdempotency(deps, { ...request(), runtimeId: "wi02" }, send);
    assert.equal(sends(), 2);
  });

  it("makes a concurrent duplicate wait for the first answer", async () => {
    const { deps, sends } = world();
    let finish: (answer: Answer) => void = () => {};
    const slow = () =>
      new Promise<Answer>((resolve) => {
        finish = resolve;
      });
    const first = withIdempotency(deps, request(), slow);
    await new Promise((resolve) => setImmediate(resolve));
    const duplicate = withIdempotency(deps, request(), slow);
    await new Promise((resolve) => setImmediate(resolve));
    finish({ status: 201, body: Buffer.from('{"id":"only"}') });
    const [a, b] = await Promise.all([first, duplicate]);
    assert.equal(text(a), '{"id":"only"}');
    assert.equal(text(b), '{"id":"only"}');
    assert.equal(sends(), 0, "the duplicate never ran the call");
  });

  it("answers 409 when the first is still running after the wait", async () => {
    const { deps } = world();
    const never = () => new Promise<Answer>(() => {});
    void withIdempotency(deps, request(), never);
    await new Promise((resolve) => setImmediate(resolve));
    await assert.rejects(
      withIdempotency(deps, request(), never),
      (error) => error instanceof ApiError && error.code === "IDEMPOTENCY_KEY_IN_PROGRESS",
    );
    assert.ok(DUPLICATE_WAIT_MS < CLAIM_STALE_MS);
  });

  it("releases the key on a 5xx answer or a failure, so a retry really retries", async () => {
    const { deps, send, sends } = world();
    const down = async (): Promise<Answer> => ({ status: 503, body: new Uint8Array() });
    await withIdempotency(deps, request(), down);
    await assert.rejects(
      withIdempotency(deps, request(), async () => {
        throw new Error("socket hang up");
      }),
    );
    await withIdempotency(deps, request(), send);
    assert.equal(sends(), 1);
  });

  it("takes over a claim abandoned by a dead gateway", async () => {
    const { deps, clock, send, sends } = world();
    void withIdempotency(deps, request(), () => new Promise<Answer>(() => {}));
    await new Promise((resolve) => setImmediate(resolve));
    clock.advance(CLAIM_STALE_MS + 1);
    await withIdempotency(deps, request(), send);
    assert.equal(sends(), 1);
  });

  it("stores digests, times, status and an encrypted body, expiring after 24 h", async () => {
    const { deps, store, clock, send } = world();
    await withIdempotency(deps, request(), send);
    const [id, record] = [...store.records][0]!;
    assert.doesNotMatch(id, /order-42/);
    assert.equal(record.expireAt.getTime(), clock.now() + IDEMPOTENCY_TTL_MS);
    assert.match(record.body ?? "", /^v1\./);
    assert.doesNotMatch(JSON.stringify(record), /msg-1|15551234567|sentinel/);
  });

  it("refuses keys that are empty, too long or not visible ASCII", async () => {
    const { deps, send } = world();
    for (const key of ["", "x".repeat(256), "naïve", "two words"]) {
      await assert.rejects(withIdempotency(deps, request(undefined, key), send), /Idempotency-Key must be/);
    }
  });
});
