import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { type BrowserSession, openBrowser, signUpInBrowser } from "../support/browser.js";
import { authRest, stack, uniqueEmail } from "../support/stack.js";
import { waitFor } from "../support/wait.js";

// Email verification and password reset go through Firebase Authentication; the Auth emulator
// keeps the emails it would have sent, so the test can read them and follow their links.
interface OobCode {
  email: string;
  requestType: string;
  oobCode: string;
}

async function emailsTo(email: string): Promise<OobCode[]> {
  const { auth, projectId } = stack();
  const response = await fetch(`http://${auth}/emulator/v1/projects/${projectId}/oobCodes`);
  const { oobCodes } = (await response.json()) as { oobCodes: OobCode[] };
  return oobCodes.filter((code) => code.email === email);
}

describe("email verification and password reset", () => {
  let session: BrowserSession;

  before(async () => {
    session = await openBrowser();
  });

  after(async () => {
    await session?.browser.close();
  });

  it("sends a verification email at sign-up, and the banner goes once its link is followed", async () => {
    const { page } = session;
    const email = await signUpInBrowser(session, "verify");
    const banner = page.getByText(/Confirm your email address/);
    await banner.waitFor();
    const sent = await waitFor(() => emailsTo(email), "sent", {
      until: (codes) => codes.some((code) => code.requestType === "VERIFY_EMAIL"),
      timeoutMs: 10_000,
    });
    const link = sent.find((code) => code.requestType === "VERIFY_EMAIL");
    assert.ok(link, "a verification email was sent");
    // What Firebase's action page does with the link's code.
    const applied = await authRest("accounts:update", { oobCode: link.oobCode });
    assert.equal(applied.status, 200);
    assert.equal(applied.body.emailVerified, true);
    await page.reload();
    await page.getByRole("heading", { level: 1, name: "Instances" }).waitFor();
    await banner.waitFor({ state: "detached" });
  });

  it("sends a password reset email, and answers the same for an address without an account", async () => {
    const { page, hosting } = session;
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.getByText("You are signed out.").waitFor();
    const email = await signUpAndSignOut(session);
    const nobody = uniqueEmail("nobody");
    for (const address of [email, nobody]) {
      await page.goto(`${hosting}/reset-password`);
      await page.getByLabel("Email").fill(address);
      await page.getByRole("button", { name: "Send reset link" }).click();
      await page
        .getByText(`If ${address} has a WSAPI account, a link to choose a new password is on its way.`)
        .waitFor();
    }
    const resets = await waitFor(() => emailsTo(email), "resets", {
      until: (codes) => codes.some((code) => code.requestType === "PASSWORD_RESET"),
      timeoutMs: 10_000,
    });
    assert.ok(resets.some((code) => code.requestType === "PASSWORD_RESET"));
    assert.equal((await emailsTo(email)).filter((code) => code.requestType === "PASSWORD_RESET").length, 1);
    assert.deepEqual(await emailsTo(nobody), []);
  });
});

async function signUpAndSignOut(session: BrowserSession): Promise<string> {
  const email = await signUpInBrowser(session, "reset");
  await session.page.getByRole("button", { name: "Sign out" }).click();
  await session.page.getByText("You are signed out.").waitFor();
  return email;
}
