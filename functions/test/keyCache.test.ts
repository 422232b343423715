import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { describe, it } from "node:test";
import { ensureAccount, revealAccountKey, rotateAccountKey } from "../src/core/accounts.js";
import { apiKeyDigest, generateApiKey } from "../src/core/apiKey.js";
import { ApiError } from "../src/core/errors.js";
import { ApiKeyVerifier, MISS_CACHE_MAX } from "../src/core/keyVerifier.js";
import { createLogger, logEvents } from "../src/core/logs.js";
import type { AccountStore, AuthFailureLimiter } from "../src/core/ports/accounts.js";
import { TtlCache } from "../src/core/ttlCache.js";
import { fakeClock, memoryAccountStore, memoryKeyRing } from "./support/memoryStores.js";

// Item 7 of issue 13 (a verification in flight during a rotation must not re-cache the old key) and
// item 2 (misses cached apart from hits; failed authentications limited per address before lookups).

/** A store whose findApiKey waits until released: the slow verification of the race. */
function gatedStore(store: AccountStore) {
  let release: () => void = () => {};
  let gate: Promise<void> | undefined;
  return {
    store: {
      ...store,
      async findApiKey(digest: string) {
        const record = await store.findApiKey(digest);
        if (gate) await gate;
        return record;
      },
    } as AccountStore,
    close() {
      gate = new Promise((resolve) => {
        release = resolve;
      });
    },
    open() {
      gate = undefined;
      release();
    },
  };
}

function setup(failures?: AuthFailureLimiter) {
  const memory = memoryAccountStore();
  const clock = fakeClock();
  const gated = gatedStore(memory.store);
  const deps = {
    store: memory.store,
    keyRing: memoryKeyRing({ 1: randomBytes(32) }, 1),
    pepper: randomBytes(32),
    clock,
    logs: logEvents(createLogger(() => {})),
  };
  const verifier = new ApiKeyVerifier(gated.store, deps.pepper, clock, 5_000, failures);
  return { memory, clock, deps, gated, verifier };
}

async function statusOf(promise: Promise<unknown>): Promise<number> {
  try {
    await promise;
    return 200;
  } catch (error) {
    assert.ok(error instanceof ApiError, String(error));
    return error.status;
  }
}

/** A forged key of the public format (random body, correct checksum): it passes the format check. */
const forgedKey = generateApiKey;

describe("key cache generation (rotation race)", () => {
  it("a load that started before forget() does not cache the rotated-away key", async () => {
    const { memory, deps, gated, verifier } = setup();
    await ensureAccount(deps, "u1", "u1@example.com", "test");
    const oldKey = await revealAccountKey(deps, "u1", "req_1");
    // The slow verification: it reads the old key's record, then stalls before caching.
    gated.close();
    const inFlight = verifier.verify(oldKey);
    await new Promise((resolve) => setImmediate(resolve));
    // Meanwhile the key is rotated and this server forgets the old digest (instanceService/accounts).
    await rotateAccountKey(deps, "u1", "req_2");
    verifier.forget(apiKeyDigest(oldKey, deps.pepper));
    gated.open();
    // The request that was already in flight completes with what it read…
    assert.equal((await inFlight).accountId, "u1");
    // …but did not cache it: the next call reads the store again and refuses the old key at once.
    const reads = memory.reads();
    assert.equal(await statusOf(verifier.verify(oldKey)), 401);
    assert.ok(memory.reads() > reads, "the old key was looked up again, not served from the cache");
  });

  it("without a forget, the same load is cached as before (the check costs nothing otherwise)", async () => {
    const { memory, deps, verifier } = setup();
    await ensureAccount(deps, "u1", "u1@example.com", "test");
    const key = await revealAccountKey(deps, "u1", "req_1");
    await verifier.verify(key);
    const reads = memory.reads();
    await verifier.verify(key);
    assert.equal(memory.reads(), reads);
  });

  it("TtlCache.getOrLoad skips caching a load that overlapped a delete", async () => {
    const cache = new TtlCache<string>(5_000, 10, fakeClock());
    let release: (value: string) => void = () => {};
    const loading = cache.getOrLoad("k", () => new Promise<string>((resolve) => (release = resolve)));
    cache.delete("k");
    release("stale");
    assert.equal(await loading, "stale");
    assert.equal(cache.get("k"), undefined);
    assert.equal(await cache.getOrLoad("k", async () => "fresh"), "fresh");
    assert.equal(cache.get("k")?.value, "fresh");
  });
});

/** An in-memory AuthFailureLimiter: `limit` failures per address, then blocked. */
function failureCounter(limit: number) {
  const counts = new Map<string, number>();
  return {
    counts,
    limiter: {
      async blockedFor(address: string) {
        return (counts.get(address) ?? 0) >= limit ? 60 : 0;
      },
      async record(address: string) {
        counts.set(address, (counts.get(address) ?? 0) + 1);
      },
      async validated() {},
    } satisfies AuthFailureLimiter,
  };
}

describe("failed authentications per address", () => {
  it("forged keys are refused with 429 past the limit, without store reads; a real key keeps working", async () => {
    const failures = failureCounter(30);
    const { memory, deps, clock, verifier } = setup(failures.limiter);
    await ensureAccount(deps, "u1", "u1@example.com", "test");
    const real = await revealAccountKey(deps, "u1", "req_1");
    assert.equal(await statusOf(verifier.verify(real, "203.0.113.9")), 200);
    const statuses: number[] = [];
    for (let i = 0; i < 100; i++) statuses.push(await statusOf(verifier.verify(forgedKey(), "203.0.113.9")));
    assert.deepEqual(statuses.slice(0, 30), Array(30).fill(401));
    assert.deepEqual(statuses.slice(30), Array(70).fill(429));
    const reads = memory.reads();
    for (let i = 0; i < 50; i++) await statusOf(verifier.verify(forgedKey(), "203.0.113.9"));
    assert.equal(memory.reads(), reads, "a blocked address costs no store read");
    // The real key: cached, then (after the 5 s cache) still let through as recently valid.
    assert.equal(await statusOf(verifier.verify(real, "203.0.113.9")), 200);
    clock.advance(6_000);
    assert.equal(await statusOf(verifier.verify(real, "203.0.113.9")), 200);
    // Another address is not affected.
    assert.equal(await statusOf(verifier.verify(forgedKey(), "198.51.100.1")), 401);
  });

  it("a rotated-away key loses its recently-valid pass with forget()", async () => {
    const failures = failureCounter(1);
    const { deps, verifier } = setup(failures.limiter);
    await ensureAccount(deps, "u1", "u1@example.com", "test");
    const oldKey = await revealAccountKey(deps, "u1", "req_1");
    await verifier.verify(oldKey, "a");
    await statusOf(verifier.verify(forgedKey(), "a"));
    await rotateAccountKey(deps, "u1", "req_2");
    verifier.forget(apiKeyDigest(oldKey, deps.pepper));
    assert.equal(await statusOf(verifier.verify(oldKey, "a")), 429);
  });

  it("misses live in their own cache: a flood of forged keys never evicts a real key", async () => {
    const { memory, deps, verifier } = setup();
    await ensureAccount(deps, "u1", "u1@example.com", "test");
    const real = await revealAccountKey(deps, "u1", "req_1");
    await verifier.verify(real);
    for (let i = 0; i < MISS_CACHE_MAX + 500; i++) await statusOf(verifier.verify(forgedKey()));
    const reads = memory.reads();
    assert.equal(await statusOf(verifier.verify(real)), 200);
    assert.equal(memory.reads(), reads, "the real key is still a cache hit");
  });
});
