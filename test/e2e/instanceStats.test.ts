import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Locator } from "playwright-core";
import {
  axeViolations,
  type BrowserSession,
  openBrowser,
  screenshot,
  seriousOnly,
} from "../support/browser.js";
import { startReceiver } from "../support/receiver.js";
import { json, stack } from "../support/stack.js";
import { createTenant, pairInstance, type Tenant } from "../support/tenants.js";
import { waitFor } from "../support/wait.js";

// The instance page's numbers in real Chromium (deployed CSP): after messages in and out and their
// webhooks, the panel's totals and hourly table show what was sent, the charts are labelled images,
// and axe finds nothing serious.
const { gateway, simulator } = stack();
const PHONE = `1553${Math.floor(1e6 + Math.random() * 8e6)}`;
const CONTACT = `1554${Math.floor(1e6 + Math.random() * 8e6)}`;
const ID = "stats-e2e";

const totalsOf = (response: { body: Record<string, unknown> }) =>
  (response.body.totals ?? {}) as { messagesIn?: number; messagesOut?: number; webhooksSucceeded?: number };

/** The text of the <dd> that follows the <dt> named `term`. */
const fact = (panel: Locator, term: string) => panel.locator(`dt:text-is("${term}") + dd`);

describe("instance numbers on the dashboard", () => {
  let session: BrowserSession;
  let tenant: Tenant;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let delivered = 0;
  const ownDeliveries = () => receiver.received.filter((x) => x.json?.instanceId === ID);

  before(async () => {
    receiver = await startReceiver();
    tenant = await createTenant("stats-e2e", [ID]);
    const headers = { "x-api-key": tenant.accountKey };
    const put = await json(
      "PUT",
      `${gateway}/account/instances/${ID}/settings`,
      { webhookUrl: receiver.url },
      headers,
    );
    assert.equal(put.status, 204);
    await pairInstance(tenant.accountKey, ID, PHONE);
    // 3 in, 2 out (API sends), and their webhooks.
    for (const text of ["one", "two", "three"]) {
      const sent = await json("POST", `${simulator}/v1/phones/${CONTACT}/messages`, { to: PHONE, text });
      assert.equal(sent.status, 201);
    }
    for (const text of ["out one", "out two"]) {
      const sent = await json(
        "POST",
        `${gateway}/messages/text`,
        { to: `${CONTACT}@s.whatsapp.net`, text },
        { ...headers, "x-instance-id": ID },
      );
      assert.equal(sent.status, 201);
    }
    // The three messages' webhooks first (deliveries trail the ingest), then until the counters agree
    // with the receiver, so the page has settled numbers to show.
    await waitFor(
      () => Promise.resolve(ownDeliveries().filter((x) => x.json?.eventType === "message").length),
      "three message webhooks",
      { until: (n) => n >= 3, timeoutMs: 45_000 },
    );
    const settled = await waitFor(
      () => json("GET", `${gateway}/account/instances/${ID}/stats`, undefined, headers),
      "the counters",
      {
        until: (r) =>
          totalsOf(r).messagesIn === 3 &&
          totalsOf(r).messagesOut === 2 &&
          totalsOf(r).webhooksSucceeded === ownDeliveries().length,
        timeoutMs: 45_000,
        intervalMs: 500,
      },
    );
    delivered = totalsOf(settled).webhooksSucceeded ?? 0;

    session = await openBrowser();
    await session.context.addCookies([
      { name: "__session", value: tenant.user.cookie.replace(/^__session=/, ""), url: session.hosting },
    ]);
  });

  after(async () => {
    await session?.browser.close();
    await receiver?.close();
  });

  it("shows the messages in and out and the webhooks delivered, as text and in a table", async () => {
    const { page, hosting } = session;
    await page.goto(`${hosting}/instances/${ID}`);
    const panel = page.getByRole("region", { name: "Messages and webhooks" });
    await fact(panel, "Messages in").getByText("3", { exact: true }).waitFor();
    assert.equal(await fact(panel, "Messages out").textContent(), "2");
    // Receipts may still be delivered meanwhile: at least what had settled, at most what the receiver got.
    const shown = Number(await fact(panel, "Webhooks delivered").textContent());
    assert.ok(shown >= delivered && shown <= ownDeliveries().length, `${shown} delivered`);
    assert.equal(await fact(panel, "Webhook attempts failed").textContent(), "0");
    assert.equal(await fact(panel, "Webhook success rate").textContent(), "100 %");
    assert.match(
      (await fact(panel, "Delivery latency, median (p50)").textContent()) ?? "",
      /^[\d.,]+ (ms|s)$/,
    );

    // Each chart is one image with a name that points to the table (Recharts' legend icons are
    // images of their own, named after their series).
    const charts = panel.getByRole("img", {
      name: /per hour, last 24 hours\. The numbers are in the table below\.$/,
    });
    assert.equal(await charts.count(), 2);
    assert.match((await charts.first().getAttribute("aria-label")) ?? "", /messages in and out per hour/);
    await panel.locator(".recharts-bar-rectangle").first().waitFor();

    await panel.getByText("Hourly numbers as a table").click();
    const table = panel.getByRole("table", { name: /Hours with activity, last 24 hours/ });
    const rows = table.getByRole("row");
    // Header plus one row per hour with activity (two if the test crossed an hour).
    const count = await rows.count();
    assert.ok(count === 2 || count === 3, `${count} rows`);
    const cells = async (index: number) =>
      (await rows.nth(index).getByRole("cell").allTextContents()).slice(0, 3).map(Number);
    const totals = [0, 0, 0];
    for (let index = 1; index < count; index++) {
      (await cells(index)).forEach((value, column) => {
        totals[column]! += value;
      });
    }
    assert.deepEqual(totals, [3, 2, shown]);

    const violations = seriousOnly(await axeViolations(page));
    assert.deepEqual(violations, []);
    await screenshot(page, "instance-stats");

    await panel.getByRole("button", { name: "Last 7 days" }).click();
    await panel.getByRole("table", { name: /last 7 days/ }).waitFor();
    assert.equal(
      await panel.getByRole("button", { name: "Last 7 days" }).getAttribute("aria-pressed"),
      "true",
    );
    assert.equal(await fact(panel, "Messages in").textContent(), "3");
    assert.deepEqual(seriousOnly(await axeViolations(page)), []);
  });

  it("broke no security policy on the way", () => {
    assert.deepEqual(session.problems, []);
  });
});
