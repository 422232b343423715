import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { type BrowserSession, openBrowser, screenshot, signUpInBrowser } from "../support/browser.js";
import { json, STRONG_PASSWORD, signInWithPassword, stack } from "../support/stack.js";
import { waitFor } from "../support/wait.js";

// Deleting an account from the dashboard in real Chromium: the email typed out and the password
// entered again (a fresh sign-in), then the account is gone: its key, its session and its sign-in.
const { gateway } = stack();

describe("deleting an account in the dashboard", () => {
  let session: BrowserSession;
  let email = "";
  let accountKey = "";

  before(async () => {
    session = await openBrowser();
    email = await signUpInBrowser(session, "delete-me");
  });

  after(async () => {
    await session?.browser.close();
  });

  it("asks for the email typed out and the password before deleting", async () => {
    const { page } = session;
    await page
      .getByRole("navigation", { name: "Main" })
      .getByRole("link", { name: "Account & API key" })
      .click();
    const keyPanel = page.getByRole("region", { name: "Account API key" });
    await keyPanel.getByRole("button", { name: "Reveal key" }).click();
    accountKey = await keyPanel.getByLabel("API key", { exact: true }).inputValue();

    await page
      .getByRole("region", { name: "Delete account" })
      .getByRole("button", { name: "Delete account…" })
      .click();
    const dialog = page.getByRole("dialog", { name: "Delete your account?" });
    await dialog.getByLabel(`Type ${email} to confirm`).fill("someone-else@example.com");
    await dialog.getByLabel("Password").fill(STRONG_PASSWORD);
    await dialog.getByRole("button", { name: "Delete account" }).click();
    await dialog.getByRole("alert").getByText("Type your account's email address to confirm.").waitFor();
    await screenshot(page, "delete-account-confirm");
    const still = await json("GET", `${gateway}/account/instances`, undefined, { "x-api-key": accountKey });
    assert.equal(still.status, 200, "nothing was deleted");
  });

  it("deletes the account: signed out, key refused, sign-in gone", async () => {
    const { page } = session;
    const dialog = page.getByRole("dialog", { name: "Delete your account?" });
    await dialog.getByLabel(`Type ${email} to confirm`).fill(email);
    await dialog.getByRole("button", { name: "Delete account" }).click();
    await page.getByRole("heading", { level: 1, name: "Sign in to WSAPI" }).waitFor();
    await page.getByText("Your account, its instances and their data were deleted.").waitFor();
    await screenshot(page, "account-deleted");
    // The gateway's verification cache holds a key at most 5 s: refused within 10 s.
    const refused = await waitFor(
      async () =>
        (await json("GET", `${gateway}/account/instances`, undefined, { "x-api-key": accountKey })).status,
      "refused",
      { until: (status) => status === 401, timeoutMs: 10_000 },
    );
    assert.equal(refused, 401);
    await assert.rejects(signInWithPassword(email, STRONG_PASSWORD), /EMAIL_NOT_FOUND|INVALID/);
  });
});
