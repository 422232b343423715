import assert from "node:assert/strict";
import { mkdirSync, writeFileSync } from "node:fs";
import { after, before, describe, it } from "node:test";
import type { Locator, Page } from "playwright-core";
import {
  ARTIFACTS,
  type AxeViolation,
  axeViolations,
  type BrowserSession,
  openBrowser,
  screenshot,
  seriousOnly,
} from "../support/browser.js";
import { STRONG_PASSWORD, uniqueEmail, verifyEmail } from "../support/stack.js";

// Keyboard use and an axe-core audit of the main pages, in real Chromium with the deployed CSP.
const isFocused = (locator: Locator) => locator.evaluate((element) => element.matches(":focus"));

async function pressUntilFocused(page: Page, target: Locator, key = "Tab", maxPresses = 25) {
  for (let press = 0; press < maxPresses; press++) {
    if (await isFocused(target)) return;
    await page.keyboard.press(key);
  }
  assert.fail(`${key} never reached ${target}`);
}

describe("accessibility", () => {
  let session: BrowserSession;
  const audits: Record<string, AxeViolation[]> = {};

  const audit = async (name: string) => {
    audits[name] = await axeViolations(session.page);
  };

  before(async () => {
    session = await openBrowser();
  });

  after(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    writeFileSync(`${ARTIFACTS}/axe-results.json`, `${JSON.stringify(audits, null, 2)}\n`);
    await session?.browser.close();
  });

  it("signs up and creates an instance with the keyboard alone", async () => {
    const { page, hosting } = session;
    await page.goto(`${hosting}/signin`);
    await page.getByRole("heading", { level: 1, name: "Sign in to WSAPI" }).waitFor();
    await audit("sign-in");
    await pressUntilFocused(page, page.getByRole("link", { name: "Create one" }));
    await page.keyboard.press("Enter");
    await page.getByRole("heading", { level: 1, name: "Create your WSAPI account" }).waitFor();
    assert.ok(await isFocused(page.getByRole("heading", { level: 1 })), "the new page's heading has focus");

    const email = uniqueEmail("keyboard");
    await pressUntilFocused(page, page.getByLabel("Email"));
    await page.keyboard.type(email);
    await page.keyboard.press("Tab");
    assert.ok(await isFocused(page.getByLabel("Password", { exact: true })));
    await page.keyboard.type("short");
    await page.keyboard.press("Enter");
    await page.getByRole("alert").waitFor();
    await audit("sign-up with an error");
    await page.getByLabel("Password", { exact: true }).fill(STRONG_PASSWORD);
    await page.getByLabel("Password", { exact: true }).press("Enter");
    await page.getByRole("heading", { level: 1, name: "Instances" }).waitFor();
    await audit("instances before the email is confirmed");
    // Instances need a confirmed email: follow the verification email's link, then reload.
    await verifyEmail(email);
    await page.reload();
    await page.getByRole("heading", { level: 1, name: "Instances" }).waitFor();
    await page.locator("#create-needs-verification").waitFor({ state: "detached" });

    await pressUntilFocused(page, page.getByLabel("Name of the new instance"));
    await page.keyboard.type("Keyboard line");
    await page.keyboard.press("Enter");
    await page.getByRole("heading", { level: 1, name: "Keyboard line" }).waitFor();
  });

  it("offers a skip link, and a delete dialog that Escape closes and returns focus from", async () => {
    const { page } = session;
    const skip = page.getByRole("link", { name: "Skip to content" });
    await skip.focus();
    const box = await skip.boundingBox();
    assert.ok(box && box.y >= 0, "the skip link is visible when focused");
    await page.keyboard.press("Enter");
    assert.ok(await isFocused(page.locator("main")), "focus moved to the main content");

    const deleteButton = page.getByRole("button", { name: "Delete this instance" });
    await deleteButton.focus();
    await page.keyboard.press("Enter");
    const dialog = page.getByRole("dialog", { name: "Delete Keyboard line?" });
    await dialog.waitFor();
    assert.ok(await isFocused(dialog.getByRole("button", { name: "Cancel" })), "the safe choice has focus");
    await audit("delete dialog");
    await page.keyboard.press("Escape");
    await dialog.waitFor({ state: "hidden" });
    assert.ok(await isFocused(deleteButton), "focus returns to the button that opened the dialog");
  });

  it("has no serious or critical axe violations on the main pages", async () => {
    const { page, hosting } = session;
    await page.locator(".status").getByText("Waiting for pairing").waitFor({ timeout: 180_000 });
    await audit("instance");
    const nav = page.getByRole("navigation", { name: "Main" });
    await nav.getByRole("link", { name: "Instances" }).click();
    await page.getByRole("row", { name: /Keyboard line/ }).waitFor();
    await audit("instances");
    await nav.getByRole("link", { name: "Account & API key" }).click();
    await page
      .getByRole("region", { name: "Account API key" })
      .getByRole("button", { name: "Reveal key" })
      .click();
    await page.getByLabel("API key", { exact: true }).waitFor();
    await audit("account");
    await nav.getByRole("link", { name: "Audit log" }).click();
    await page.getByRole("cell", { name: "Account API key revealed" }).waitFor();
    await audit("audit log");
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.getByRole("link", { name: "Forgot your password?" }).click();
    await page.getByRole("heading", { level: 1, name: "Reset your password" }).waitFor();
    await audit("reset password");
    await page.goto(`${hosting}/auth/emulated-provider?providerId=google.com&attempt=none`);
    await page.getByRole("heading", { level: 1, name: "Emulated Google sign-in" }).waitFor();
    await audit("emulated provider");
    await screenshot(page, "emulated-provider");

    const serious = Object.entries(audits).flatMap(([name, violations]) =>
      seriousOnly(violations).map(
        (violation) => `${name}: ${violation.id} (${violation.impact}) ${violation.help}`,
      ),
    );
    assert.deepEqual(serious, []);
    assert.equal(Object.keys(audits).length, 10);
  });

  it("broke no security policy while auditing", () => {
    assert.deepEqual(session.problems, []);
  });
});
