import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { emailVerificationCheck, ensureAccount, recordEmailVerified } from "../src/core/accounts.js";
import { ApiError, toProblem } from "../src/core/errors.js";
import { createInstance, type InstanceDeps } from "../src/core/instanceService.js";
import { createLogger, logEvents } from "../src/core/logs.js";
import { TtlCache } from "../src/core/ttlCache.js";
import { handleBeforeUserCreated, handleBeforeUserSignedIn } from "../src/triggers/auth.js";
import { fakeClock, memoryAccountStore, memoryKeyRing } from "./support/memoryStores.js";

// Instances are paid resources: only an account whose email is verified creates one.
async function world() {
  const clock = fakeClock();
  const { store } = memoryAccountStore();
  const deps = {
    store,
    keyRing: memoryKeyRing({ 1: Buffer.alloc(32, 1) }, 1),
    pepper: Buffer.from("pepper"),
    clock,
    logs: logEvents(createLogger(() => {})),
  };
  await ensureAccount(deps, "u1", "u1@example.com", "password");
  const authCalls: string[] = [];
  const auth = { verified: false };
  const authority = {
    emailVerified: async (uid: string) => {
      authCalls.push(uid);
      return auth.verified;
    },
    misses: new TtlCache<true>(5_000, 100, clock),
  };
  return { clock, store, deps, auth, authCalls, authority };
}

describe("verified email before instances", () => {
  it("records the address as unverified at password sign-up, verified for a provider that vouches", async () => {
    const { store, deps } = await world();
    assert.equal((await store.getAccount("u1"))?.emailVerified, false);
    await handleBeforeUserCreated(
      { uid: "g1", email: "g@example.com", emailVerified: true },
      "google.com",
      (uid, email, via, verified) => ensureAccount(deps, uid, email, via, verified),
    );
    assert.equal((await store.getAccount("g1"))?.emailVerified, true);
  });

  it("refuses instance creation with 403 EMAIL_NOT_VERIFIED until the email is verified", async () => {
    const { store } = await world();
    const deps = { emailVerified: emailVerificationCheck(store) } as unknown as InstanceDeps;
    const plan = { id: "free", instanceLimit: 2, requestsPerMinute: 120 };
    const refused = await createInstance(deps, "u1", plan, {}).catch((error: unknown) => error);
    assert.ok(refused instanceof ApiError);
    const problem = toProblem(refused);
    assert.equal(problem.status, 403);
    assert.equal(problem.code, "EMAIL_NOT_VERIFIED");
    assert.match(problem.detail, /verif/i);
  });

  it("the gateway reads the recorded flag only; sign-in and session creation keep it in step with Auth", async () => {
    const { store } = await world();
    const gatewayCheck = emailVerificationCheck(store);
    assert.equal(await gatewayCheck("u1"), false);
    await handleBeforeUserSignedIn({ uid: "u1", emailVerified: true }, store);
    assert.equal(await gatewayCheck("u1"), true);
    await recordEmailVerified(store, "u1", false);
    assert.equal(await gatewayCheck("u1"), false, "an address changed (unverified) in Auth counts again");
    assert.equal(await gatewayCheck("nobody"), false);
  });

  it("the dashboard asks Firebase Auth while the flag is false, records a yes, and remembers a no for 5 s", async () => {
    const { clock, store, auth, authCalls, authority } = await world();
    const check = emailVerificationCheck(store, authority);
    assert.equal(await check("u1"), false);
    assert.equal(await check("u1"), false);
    assert.equal(authCalls.length, 1, "a refused retry costs no Auth call");
    auth.verified = true;
    clock.advance(5_001);
    assert.equal(await check("u1"), true);
    assert.equal((await store.getAccount("u1"))?.emailVerified, true, "recorded, so the gateway sees it");
    assert.equal(await check("u1"), true);
    assert.equal(authCalls.length, 2, "a recorded yes needs no Auth call");
  });

  it("a suspended account still cannot sign in", async () => {
    const { store } = await world();
    const account = (await store.getAccount("u1"))!;
    await store.createAccount(
      { ...account, uid: "s1", status: "suspended" },
      {
        digest: "d-s1",
        ciphertext: "c",
        prefix: "p",
        createdAt: 0,
      },
    );
    await assert.rejects(handleBeforeUserSignedIn({ uid: "s1", emailVerified: true }, store), /suspended/);
  });
});
