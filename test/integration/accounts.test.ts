import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { describe, it } from "node:test";
import {
  adminDb,
  asUser,
  authRest,
  json,
  STRONG_PASSWORD,
  signInWithPassword,
  signUpAndSignIn,
  stack,
} from "../support/stack.js";
import { accountKeyOf, setAccountStatus } from "../support/tenants.js";

const { dashboard } = stack();

/** Signs in through the Auth emulator's IdP flow, as the client SDK does for Google or GitHub. */
async function signInWithProvider(providerId: "google.com" | "github.com") {
  const email = `idp-${randomUUID().slice(0, 8)}@example.com`;
  const claims = JSON.stringify({ sub: randomUUID(), email, email_verified: true });
  const result = await authRest("accounts:signInWithIdp", {
    postBody: `id_token=${encodeURIComponent(claims)}&providerId=${providerId}`,
    requestUri: "http://localhost",
    returnSecureToken: true,
    returnIdpCredential: true,
  });
  return { email, result };
}

describe("accounts", () => {
  for (const providerId of ["google.com", "github.com"] as const) {
    it(`a ${providerId} sign-up gets an account with the default plan and a key`, async () => {
      const { email, result } = await signInWithProvider(providerId);
      assert.equal(result.status, 200, JSON.stringify(result.body.error));
      const uid = String(result.body.localId);
      const account = await adminDb().collection("accounts").doc(uid).get();
      assert.equal(account.get("email"), email);
      assert.equal(account.get("planId"), "free");
      assert.equal(account.get("status"), "active");
      const session = await json("POST", `${dashboard}/v1/session`, { idToken: result.body.idToken });
      assert.equal(session.status, 200);
    });
  }

  it("a suspended account cannot sign in", async () => {
    const user = await signUpAndSignIn("suspended");
    await setAccountStatus(user.uid, "suspended");
    await assert.rejects(
      signInWithPassword(user.email, STRONG_PASSWORD),
      /suspended|PERMISSION_DENIED|BLOCKING/i,
    );
  });

  it("stores keys only as a peppered digest and an AES-GCM ciphertext", async () => {
    const user = await signUpAndSignIn("at-rest");
    const apiKey = await accountKeyOf(user);
    const db = adminDb();
    const docs = [
      await db.collection("accounts").doc(user.uid).get(),
      await db.collection("accountSecrets").doc(user.uid).get(),
    ];
    const stored = JSON.stringify(docs.map((doc) => doc.data()));
    assert.ok(!stored.includes(apiKey), "plaintext key in Firestore");
    assert.ok(!stored.includes(apiKey.slice(4, 30)), "key body in Firestore");
    const secret = docs[1]!.data()!;
    assert.match(secret.apiKey, /^v1\.\d+\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{22}$/);
    const lookup = await db.collection("apiKeys").doc(secret.apiKeyDigest).get();
    assert.equal(lookup.get("accountId"), user.uid);
    const audit = await db.collection("accounts").doc(user.uid).collection("auditLog").get();
    assert.deepEqual(
      audit.docs.map((doc) => doc.get("action")),
      ["apiKey.revealed"],
    );
    assert.ok(audit.docs[0]!.get("expireAt"), "audit entries expire through the TTL policy");
    const account = await json("GET", `${dashboard}/v1/account`, undefined, asUser(user, false));
    assert.equal((account.body.apiKey as { prefix: string }).prefix, apiKey.slice(0, 10));
  });
});
