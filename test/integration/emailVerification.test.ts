import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, describe, it } from "node:test";
import {
  adminDb,
  asUser,
  authRest,
  type DashboardUser,
  json,
  STRONG_PASSWORD,
  signInWithPassword,
  signUpAndSignIn,
  stack,
  verifyEmail,
} from "../support/stack.js";
import { accountKeyOf } from "../support/tenants.js";
import { waitFor } from "../support/wait.js";

// Instances are paid, always-on resources: creating one (gateway POST /account/instances, dashboard
// POST /v1/instances) needs a verified email address. Verification goes through the Auth emulator's
// own email links, as a person would follow them.
const { gateway, dashboard } = stack();
const created: Array<{ accountKey: string; id: string }> = [];

async function createThroughGateway(accountKey: string, id: string) {
  const response = await json("POST", `${gateway}/account/instances`, { id }, { "x-api-key": accountKey });
  if (response.status === 201) created.push({ accountKey, id });
  return response;
}

async function createThroughDashboard(user: DashboardUser, accountKey: string, id: string) {
  const response = await json("POST", `${dashboard}/v1/instances`, { id }, asUser(user));
  if (response.status === 201) created.push({ accountKey, id });
  return response;
}

function assertNotVerified(response: Awaited<ReturnType<typeof json>>) {
  assert.equal(response.status, 403, JSON.stringify(response.body));
  assert.match(response.headers.get("content-type") ?? "", /application\/problem\+json/);
  assert.equal(response.body.code, "EMAIL_NOT_VERIFIED");
  assert.match(String(response.body.detail), /verif/i);
}

const recordedFlag = async (uid: string) =>
  (await adminDb().collection("accounts").doc(uid).get()).get("emailVerified");

describe("a verified email before instances", () => {
  after(async () => {
    for (const { accountKey, id } of created) {
      await json("DELETE", `${gateway}/account/instances/${id}`, undefined, { "x-api-key": accountKey });
    }
  });

  it("refuses an unverified account through the gateway and the dashboard, then creates once the link is followed", async () => {
    const user = await signUpAndSignIn("unverified", { verified: false });
    const accountKey = await accountKeyOf(user);
    assertNotVerified(await createThroughGateway(accountKey, "early-1"));
    assertNotVerified(await createThroughDashboard(user, accountKey, "early-2"));
    const account = await json("GET", `${dashboard}/v1/account`, undefined, asUser(user, false));
    assert.equal(account.body.emailVerified, false);
    assert.equal(await recordedFlag(user.uid), false);

    await verifyEmail(user.email, await signInWithPassword(user.email, STRONG_PASSWORD));
    // The sign-in above ran before the link was followed; the dashboard asks Firebase Auth itself
    // (its "no" from the refused attempt is remembered for at most 5 s).
    const viaDashboard = await waitFor(
      () => createThroughDashboard(user, accountKey, "web-1"),
      "viaDashboard",
      { until: (response) => response.status !== 403, timeoutMs: 10_000 },
    );
    assert.equal(viaDashboard.status, 201, JSON.stringify(viaDashboard.body));
    assert.equal(await recordedFlag(user.uid), true, "recorded on the account, for the gateway");
    const viaGateway = await createThroughGateway(accountKey, "api-1");
    assert.equal(viaGateway.status, 201, JSON.stringify(viaGateway.body));
  });

  it("the gateway learns of a verification at the next sign-in", async () => {
    const user = await signUpAndSignIn("verify-then-sign-in", { verified: false });
    const accountKey = await accountKeyOf(user);
    assertNotVerified(await createThroughGateway(accountKey, "api-1"));
    await verifyEmail(user.email, await signInWithPassword(user.email, STRONG_PASSWORD));
    await signInWithPassword(user.email, STRONG_PASSWORD);
    assert.equal(await recordedFlag(user.uid), true);
    const response = await createThroughGateway(accountKey, "api-1");
    assert.equal(response.status, 201, JSON.stringify(response.body));
  });

  for (const [providerId, emailVerified, expected] of [
    ["google.com", true, 201],
    ["github.com", true, 201],
    ["github.com", false, 403],
  ] as const) {
    it(`a ${providerId} sign-in with ${emailVerified ? "a verified" : "an unverified"} email → ${expected}`, async () => {
      const email = `idp-${randomUUID().slice(0, 8)}@example.com`;
      const claims = JSON.stringify({ sub: randomUUID(), email, email_verified: emailVerified });
      const signIn = await authRest("accounts:signInWithIdp", {
        postBody: `id_token=${encodeURIComponent(claims)}&providerId=${providerId}`,
        requestUri: "http://localhost",
        returnSecureToken: true,
      });
      assert.equal(signIn.status, 200, JSON.stringify(signIn.body.error));
      const session = await json("POST", `${dashboard}/v1/session`, { idToken: signIn.body.idToken });
      assert.equal(session.status, 200);
      const cookie = session.headers
        .getSetCookie()
        .find((c) => c.startsWith("__session="))!
        .split(";")[0]!;
      const user = {
        email,
        uid: String(signIn.body.localId),
        cookie,
        csrfToken: String(session.body.csrfToken),
      };
      assert.equal(await recordedFlag(user.uid), emailVerified);
      const accountKey = await accountKeyOf(user);
      const viaGateway = await createThroughGateway(accountKey, "idp-1");
      if (expected === 403) assertNotVerified(viaGateway);
      else assert.equal(viaGateway.status, 201, JSON.stringify(viaGateway.body));
    });
  }
});
