import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { describe, it } from "node:test";
import { ensureAccount, revealAccountKey, rotateAccountKey } from "../src/core/accounts.js";
import { generateApiKey } from "../src/core/apiKey.js";
import { ApiError } from "../src/core/errors.js";
import { ApiKeyVerifier, KEY_CACHE_TTL_MS } from "../src/core/keyVerifier.js";
import { createLogger, logEvents } from "../src/core/logs.js";
import { fakeClock, memoryAccountStore, memoryKeyRing } from "./support/memoryStores.js";

function setup() {
  const memory = memoryAccountStore();
  const clock = fakeClock();
  const deps = {
    store: memory.store,
    keyRing: memoryKeyRing({ 1: randomBytes(32) }, 1),
    pepper: randomBytes(32),
    clock,
    logs: logEvents(createLogger(() => {})),
  };
  const verifier = new ApiKeyVerifier(memory.store, deps.pepper, clock);
  return { memory, clock, deps, verifier };
}

async function refusal(promise: Promise<unknown>): Promise<ApiError> {
  const error = await promise.then(
    () => assert.fail("expected a refusal"),
    (e: unknown) => e,
  );
  assert.ok(error instanceof ApiError);
  return error;
}

describe("API key verification", () => {
  it("resolves the account key and serves warm hits without a store read", async () => {
    const { memory, deps, verifier } = setup();
    await ensureAccount(deps, "u1", "u1@example.com", "test");
    const apiKey = await revealAccountKey(deps, "u1", "req_1");
    const principal = await verifier.verify(apiKey);
    assert.equal(principal.accountId, "u1");
    assert.equal(principal.plan.id, "free");
    const readsAfterFirst = memory.reads();
    for (let i = 0; i < 100; i++) await verifier.verify(apiKey);
    assert.equal(memory.reads(), readsAfterFirst);
  });

  it("refuses missing, malformed and bad-checksum keys before any lookup", async () => {
    const { memory, verifier } = setup();
    const key = generateApiKey();
    const badChecksum = `${key.slice(0, -1)}${key.endsWith("a") ? "b" : "a"}`;
    for (const candidate of [undefined, "", "wsk_short", "Bearer abc", badChecksum]) {
      assert.equal((await refusal(verifier.verify(candidate))).status, 401);
    }
    assert.equal(memory.reads(), 0);
  });

  it("caches misses too, then refuses unknown keys", async () => {
    const { memory, verifier } = setup();
    const unknown = generateApiKey();
    assert.equal((await refusal(verifier.verify(unknown))).status, 401);
    const reads = memory.reads();
    assert.equal((await refusal(verifier.verify(unknown))).status, 401);
    assert.equal(memory.reads(), reads);
  });

  it("refuses a rotated-away key once the cache bound passes; the new key works at once", async () => {
    const { clock, deps, verifier } = setup();
    await ensureAccount(deps, "u1", "u1@example.com", "test");
    const oldKey = await revealAccountKey(deps, "u1", "req_1");
    await verifier.verify(oldKey);
    const newKey = await rotateAccountKey(deps, "u1", "req_2");
    assert.notEqual(newKey, oldKey);
    assert.equal((await verifier.verify(newKey)).accountId, "u1");
    clock.advance(KEY_CACHE_TTL_MS + 1);
    assert.equal((await refusal(verifier.verify(oldKey))).status, 401);
  });

  it("answers 403 for a suspended account", async () => {
    const { memory, deps, verifier } = setup();
    await ensureAccount(deps, "u1", "u1@example.com", "test");
    const apiKey = await revealAccountKey(deps, "u1", "req_1");
    memory.accounts.set("u1", { ...memory.accounts.get("u1")!, status: "suspended" });
    assert.equal((await refusal(verifier.verify(apiKey))).status, 403);
  });

  it("audits reveal and rotate", async () => {
    const { memory, deps } = setup();
    await ensureAccount(deps, "u1", "u1@example.com", "test");
    await revealAccountKey(deps, "u1", "req_1");
    await rotateAccountKey(deps, "u1", "req_2");
    assert.deepEqual(
      memory.audit.map((entry) => entry.action),
      ["apiKey.revealed", "apiKey.rotated"],
    );
  });
});
