import assert from "node:assert/strict";
import { randomInt } from "node:crypto";
import { after, before, describe, it } from "node:test";
import { Webhook } from "standardwebhooks";
import {
  axeViolations,
  type BrowserSession,
  openBrowser,
  screenshot,
  seriousOnly,
  sessionCookie,
  thirdPartyRequests,
} from "../support/browser.js";
import { startReceiver } from "../support/receiver.js";
import { json, STRONG_PASSWORD, stack, uniqueEmail, verifyEmail } from "../support/stack.js";
import { waitFor } from "../support/wait.js";

// The newcomer's path through the dashboard in real Chromium: sign up, create and pair an instance,
// rotate its key, receive a webhook, sign out. Each step builds on the one before.
const { gateway, dashboard, simulator } = stack();
// A fresh instance process connects to the simulated network within seconds normally; the bound
// leaves room for a loaded machine and the instance's start-up retries.
const PAIRING_READY_MS = 180_000;

describe("dashboard journey", () => {
  let session: BrowserSession;
  let instanceId = "";
  let instanceKey = "";
  let phone = "";
  const email = uniqueEmail("journey");
  const receiver = startReceiver();

  before(async () => {
    session = await openBrowser();
  });

  after(async () => {
    await session?.browser.close();
    await (await receiver).close();
  });

  it("refuses a weak password on screen, with live feedback on each rule, then signs up", async () => {
    const { page, hosting } = session;
    await page.goto(`${hosting}/signup`);
    const password = page.getByLabel("Password", { exact: true });
    await password.fill("weakpass");
    const rules = page.getByRole("list", { name: "Password requirements" });
    assert.match((await rules.textContent()) ?? "", /at least 12 characters \(still needed\)/);
    assert.match((await rules.textContent()) ?? "", /a lower-case letter \(done\)/);
    await page.getByLabel("Email").fill(email);
    await page.getByRole("button", { name: "Create account" }).click();
    const refusal = page.getByRole("alert");
    await refusal.waitFor();
    assert.match(
      (await refusal.textContent()) ?? "",
      /must contain at least 12 characters, an upper-case letter, a digit, a symbol/,
    );
    await screenshot(page, "signup-weak-password");

    await password.fill(STRONG_PASSWORD);
    assert.doesNotMatch((await rules.textContent()) ?? "", /still needed/);
    await page.getByRole("button", { name: "Create account" }).click();
    await page.getByRole("heading", { level: 1, name: "Instances" }).waitFor();
    await page.getByText("No instances yet").waitFor();
    assert.match(
      (await page.getByText(/Confirm your email address/).textContent()) ?? "",
      /open the link we sent/,
    );
  });

  it("explains that creating an instance needs a confirmed email, and creates one once it is", async () => {
    const { page } = session;
    const hint = page.locator("#create-needs-verification");
    assert.match((await hint.textContent()) ?? "", /needs a confirmed email address/);
    await page.getByLabel("Name of the new instance").fill("Support line");
    await page.getByRole("button", { name: "Create instance" }).click();
    const refusal = page.getByRole("alert");
    await refusal.waitFor();
    assert.match(
      (await refusal.textContent()) ?? "",
      /Verify your email address before creating an instance/,
    );
    await screenshot(page, "instances-email-not-verified");

    // Follow the verification email's link (the Auth emulator keeps the emails it would send).
    await verifyEmail(email);
    await page.reload();
    await page.getByRole("heading", { level: 1, name: "Instances" }).waitFor();
    await hint.waitFor({ state: "detached" });
    await page.getByText(/Confirm your email address/).waitFor({ state: "detached" });
    // The dashboard remembers Firebase Auth's "not verified" for at most 5 s (README).
    await page.waitForTimeout(5_000);
  });

  it("creates an instance and shows its live status", async () => {
    const { page } = session;
    await page.getByLabel("Name of the new instance").fill("Support line");
    await page.getByRole("button", { name: "Create instance" }).click();
    await page.getByRole("heading", { level: 1, name: "Support line" }).waitFor();
    instanceId = decodeURIComponent(new URL(page.url()).pathname.split("/").pop()!);
    assert.match(instanceId, /^[0-9a-f]{18}$/);
    // The status is polled: it moves from setting up to waiting for pairing without a reload.
    await page.locator(".status").getByText("Waiting for pairing").waitFor({ timeout: PAIRING_READY_MS });
    await page.getByRole("link", { name: "All instances" }).click();
    const row = page.getByRole("row", { name: /Support line/ });
    await row.getByText("Waiting for pairing").waitFor();
    await screenshot(page, "instances");
    await row.getByRole("link", { name: "Support line" }).click();
  });

  it("pairs the instance through the simulated WhatsApp network, refreshing the QR as it rotates", async () => {
    const { page } = session;
    const qr = page.getByRole("img", { name: /QR code to scan/ });
    await qr.waitFor({ timeout: PAIRING_READY_MS });
    const naturalWidth = () =>
      qr.evaluate((image) => (image as unknown as { naturalWidth: number }).naturalWidth);
    await waitFor(naturalWidth, "the QR image to load", { until: (width) => width > 0, timeoutMs: 10_000 });
    assert.equal(await naturalWidth(), 320, "the QR PNG from the API is shown");
    await screenshot(page, "instance-pairing");
    // The simulated network rotates its QR every 20 s; the page must follow without a reload.
    const firstSource = await qr.getAttribute("src");
    const rotated = await waitFor(() => qr.getAttribute("src"), "the QR to rotate", {
      until: (source) => source !== firstSource,
      timeoutMs: 45_000,
    });
    assert.notEqual(rotated, firstSource);

    phone = `1555${randomInt(1_000_000, 9_999_999)}`;
    const linked = await waitFor(
      async () => {
        // Read the code the page shows, through the page's own session, and "scan" it.
        const code = await page.evaluate(
          async (path) => ((await (await fetch(path)).json()) as { code: string }).code,
          `/v1/instances/${instanceId}/session/qr/text`,
        );
        return json("POST", `${simulator}/v1/phones/${phone}/link`, { qr: code });
      },
      "linked",
      { until: (response) => response.status === 200, timeoutMs: 30_000 },
    );
    assert.equal(linked.status, 200, JSON.stringify(linked.body));
    await page.locator(".status").getByText("Connected").waitFor();
    assert.match((await page.getByText("Paired device").textContent()) ?? "", new RegExp(phone));
    assert.equal(await qr.count(), 0, "the QR code is gone once paired");
    await screenshot(page, "instance-connected");
  });

  it("reveals and rotates the instance API key; the old key is then refused by the API", async () => {
    const { page } = session;
    const panel = page.getByRole("region", { name: "Instance API key" });
    await panel.getByRole("button", { name: "Reveal key" }).click();
    const oldKey = await panel.getByLabel("API key", { exact: true }).inputValue();
    assert.match(oldKey, /^wsk_/);
    const status = (apiKey: string) =>
      json("GET", `${gateway}/session/status`, undefined, {
        "x-api-key": apiKey,
        "x-instance-id": instanceId,
      });
    const before = await status(oldKey);
    assert.equal(before.status, 200);
    assert.equal(before.body.isLoggedIn, true);

    await panel.getByRole("button", { name: "Rotate key" }).click();
    const dialog = page.getByRole("dialog", { name: "Rotate this API key?" });
    await dialog.getByRole("button", { name: "Rotate key" }).click();
    await dialog.waitFor({ state: "hidden" });
    instanceKey = await panel.getByLabel("New API key").inputValue();
    assert.match(instanceKey, /^wsk_/);
    assert.notEqual(instanceKey, oldKey);
    // The gateway caches key lookups for at most 5 s (KEY_CACHE_TTL_MS), so allow that and more.
    const refused = await waitFor(() => status(oldKey), "refused", {
      until: (response) => response.status === 401,
      timeoutMs: 20_000,
    });
    assert.equal(refused.status, 401);
    assert.equal((await status(instanceKey)).status, 200);
  });

  it("sets a webhook and receives the signed test event at a local receiver", async () => {
    const { page } = session;
    const webhooks = await receiver;
    await page.getByLabel("Webhook URL").fill(webhooks.url);
    await page.getByRole("radio", { name: /Only the events chosen below/ }).check();
    await page.getByRole("checkbox", { name: "message", exact: true }).check();
    await page.getByRole("button", { name: "Save webhook settings" }).click();
    await page.getByText("Webhook settings saved.").waitFor();

    const secretPanel = page.getByRole("region", { name: "Signing secret" });
    await secretPanel.getByRole("button", { name: "Reveal secret" }).click();
    const secret = await secretPanel.getByLabel("Current signing secret").inputValue();
    assert.match(secret, /^whsec_/);

    const deliveries = page.getByRole("region", { name: "Webhook deliveries" });
    await deliveries.getByRole("button", { name: "Send test event" }).click();
    const received = await waitFor(
      () => webhooks.received.find((webhook) => webhook.body.includes('"webhook_test"')),
      "the test event at the receiver",
      { timeoutMs: 60_000 },
    );
    const event = new Webhook(secret).verify(received.body, received.headers) as Record<string, unknown>;
    assert.equal(event.eventType, "webhook_test");
    assert.equal(event.instanceId, instanceId);
    await deliveries
      .getByRole("row", { name: /webhook_test/ })
      .getByText("delivered")
      .waitFor();
    await deliveries
      .getByRole("row", { name: /webhook_test/ })
      .getByText("HTTP 200")
      .waitFor();
    await screenshot(page, "instance-webhooks");
  });

  it("shows live events as they arrive, content hidden until revealed, pausable and filtered", async () => {
    const { page } = session;
    const monitor = page.getByRole("region", { name: "Live events" });
    await monitor.getByText("Listening.").waitFor();
    const contact = `1556${randomInt(1_000_000, 9_999_999)}`;
    const say = async (text: string) => {
      const sent = await json("POST", `${simulator}/v1/phones/${contact}/messages`, { to: phone, text });
      assert.equal(sent.status, 201);
    };
    const secret = `monitor-secret-${randomInt(1e9)}`;
    await say(`first ${secret}`);
    const rows = monitor.getByRole("row", { name: /message/ });
    await rows.first().waitFor({ timeout: 30_000 });
    assert.ok(!(await monitor.textContent())?.includes(secret), "no message text until revealed");
    await monitor.getByLabel("Reveal content").check();
    await monitor.getByText(`first ${secret}`, { exact: false }).waitFor();
    await monitor.getByLabel("Reveal content").uncheck();

    await monitor.getByRole("button", { name: "Pause" }).click();
    await monitor.getByText("Paused.").waitFor();
    await say(`second ${secret}`);
    await new Promise((resolve) => setTimeout(resolve, 4_000));
    assert.equal(await rows.count(), 1, "nothing new while paused");
    await monitor.getByRole("button", { name: "Resume" }).click();
    await waitFor(() => rows.count(), "the event that arrived while paused", {
      until: (count) => count === 2,
      timeoutMs: 30_000,
    });

    await monitor.getByLabel("Type").selectOption("logged_in");
    await waitFor(() => rows.count(), "message rows filtered out", { until: (count) => count === 0 });
    await monitor.getByLabel("Type").selectOption("");
    assert.deepEqual(seriousOnly(await axeViolations(page)), []);
    await screenshot(page, "instance-live-events");
  });

  it("shows the account key, plan and usage, and the audit log of what happened", async () => {
    const { page } = session;
    const nav = page.getByRole("navigation", { name: "Main" });
    await nav.getByRole("link", { name: "Account & API key" }).click();
    await page.getByRole("heading", { level: 1, name: "Account & API key" }).waitFor();
    await page.getByText("1 of 2 used").waitFor();
    const panel = page.getByRole("region", { name: "Account API key" });
    await panel.getByRole("button", { name: "Reveal key" }).click();
    const accountKey = await panel.getByLabel("API key", { exact: true }).inputValue();
    const accountCall = await json("GET", `${gateway}/account/instances`, undefined, {
      "x-api-key": accountKey,
    });
    assert.equal(accountCall.status, 200);
    await screenshot(page, "account");

    await nav.getByRole("link", { name: "Audit log" }).click();
    await page.getByRole("heading", { level: 1, name: "Audit log" }).waitFor();
    await page.getByRole("cell", { name: "Account API key revealed" }).waitFor();
    await page.getByRole("cell", { name: "Webhook signing secret revealed" }).waitFor();
    await screenshot(page, "audit-log");
  });

  it("signs out; the old session cookie is refused by the API at once", async () => {
    const { page, context } = session;
    const cookie = await sessionCookie(context);
    assert.equal((await json("GET", `${dashboard}/v1/account`, undefined, { cookie })).status, 200);
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.getByRole("heading", { level: 1, name: "Sign in to WSAPI" }).waitFor();
    await page.getByText("You are signed out.").waitFor();
    const after = await json("GET", `${dashboard}/v1/account`, undefined, { cookie });
    assert.equal(after.status, 401);
    await screenshot(page, "signed-out");
  });

  it("talked to no third party and broke no security policy on the way", () => {
    assert.deepEqual(thirdPartyRequests(session), []);
    assert.deepEqual(session.problems, []);
  });
});
