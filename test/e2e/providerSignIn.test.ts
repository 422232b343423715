import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Page } from "playwright-core";
import {
  type BrowserSession,
  openBrowser,
  screenshot,
  sessionCookie,
  thirdPartyRequests,
} from "../support/browser.js";
import { json, stack, uniqueEmail } from "../support/stack.js";

// Google and GitHub sign-in through a popup. Locally the Auth emulator stands in for the provider
// (see web/src/pages/EmulatedProviderPage.tsx); the popup, the hand-back to the dashboard window,
// signInWithIdp, the blocking functions and the cookie exchange are the real ones.
const { dashboard } = stack();

async function signInWithProvider(session: BrowserSession, provider: "Google" | "GitHub", email: string) {
  const { page, context, hosting } = session;
  await page.goto(`${hosting}/signin`);
  const popupOpened = context.waitForEvent("page");
  await page.getByRole("button", { name: `Continue with ${provider}` }).click();
  const popup = await popupOpened;
  await popup.getByRole("heading", { name: `Emulated ${provider} sign-in` }).waitFor();
  await page.getByText(`Finish signing in with ${provider} in the window that opened.`).waitFor();
  await popup.getByLabel(`${provider} account email`).fill(email);
  await popup.getByLabel("Display name (optional)").fill("Ada Lovelace");
  if (provider === "Google") await screenshot(popup, "google-sign-in-popup");
  const closed = popup.waitForEvent("close");
  await popup.getByRole("button", { name: `Sign in with this ${provider} account` }).click();
  await closed;
  try {
    await page.getByRole("heading", { level: 1, name: "Instances" }).waitFor();
  } catch (error) {
    // Say what the page shows instead (an error message, most likely), not just "timeout".
    throw new Error(
      `no instances page after ${provider} sign-in; the page says: ${await page.locator("body").textContent()}`,
      { cause: error },
    );
  }
}

async function accountOf(page: Page) {
  return page.evaluate(
    async () =>
      (await (await fetch("/v1/account")).json()) as { uid: string; email: string; emailVerified: boolean },
  );
}

describe("sign-in with Google and GitHub", () => {
  let session: BrowserSession;

  before(async () => {
    session = await openBrowser();
  });

  after(async () => {
    await session?.browser.close();
  });

  it("signs in with the emulated Google provider in a popup and creates the account", async () => {
    const { page, context } = session;
    const email = uniqueEmail("google");
    await signInWithProvider(session, "Google", email);
    await page.getByText(email).waitFor();
    const account = await accountOf(page);
    assert.equal(account.email, email);
    assert.equal(account.emailVerified, true, "a verified Google address counts for instances");
    // Provider accounts arrive verified: no verification banner.
    assert.equal(await page.getByText(/Confirm your email address/).count(), 0);
    await screenshot(page, "google-signed-in");

    const cookie = await sessionCookie(context);
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.getByText("You are signed out.").waitFor();
    assert.equal((await json("GET", `${dashboard}/v1/account`, undefined, { cookie })).status, 401);

    // The same Google account signs in to the same WSAPI account.
    await signInWithProvider(session, "Google", email);
    assert.equal((await accountOf(page)).uid, account.uid);
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.getByText("You are signed out.").waitFor();
  });

  it("signs in with the emulated GitHub provider too", async () => {
    const { page } = session;
    const email = uniqueEmail("github");
    await signInWithProvider(session, "GitHub", email);
    assert.equal((await accountOf(page)).email, email);
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.getByText("You are signed out.").waitFor();
  });

  it("talked to no third party and broke no security policy on the way", () => {
    assert.deepEqual(thirdPartyRequests(session), []);
    assert.deepEqual(session.problems, []);
  });
});
