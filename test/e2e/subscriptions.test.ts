import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import {
  axeViolations,
  type BrowserSession,
  openBrowser,
  screenshot,
  seriousOnly,
  signUpInBrowser,
} from "../support/browser.js";
import { json, stack, verifyEmail } from "../support/stack.js";
import { waitFor } from "../support/wait.js";

// The plan view's subscriptions in real Chromium: the default subscription of the plan with its
// capacity, then an instance created on it through the account API, listed and linked.
const { gateway } = stack();

describe("subscriptions on the account page", () => {
  let session: BrowserSession;

  before(async () => {
    session = await openBrowser();
    const email = await signUpInBrowser(session, "subs-e2e");
    await verifyEmail(email);
  });

  after(async () => {
    await session?.browser.close();
  });

  it("shows the plan's subscription with its capacity, then the instance created on it", async () => {
    const { page } = session;
    await page
      .getByRole("navigation", { name: "Main" })
      .getByRole("link", { name: "Account & API key" })
      .click();
    const panel = page.getByRole("region", { name: "Subscriptions" });
    const row = panel.getByRole("row", { name: /free/i });
    await row.getByRole("cell", { name: "0 of 2 slots used" }).waitFor();
    await row.getByRole("cell", { name: "None" }).waitFor();

    const keyPanel = page.getByRole("region", { name: "Account API key" });
    await keyPanel.getByRole("button", { name: "Reveal key" }).click();
    const accountKey = await keyPanel.getByLabel("API key", { exact: true }).inputValue();
    const headers = { "x-api-key": accountKey };
    const listed = await json("GET", `${gateway}/account/subscriptions`, undefined, headers);
    const subscriptionId = String((listed.body.items as Array<{ id: string }>)[0]!.id);
    assert.match((await row.textContent()) ?? "", new RegExp(subscriptionId));
    // The account page recorded the verified address; the gateway reads that record.
    const created = await waitFor(
      () =>
        json(
          "POST",
          `${gateway}/account/subscriptions/${subscriptionId}/instances?name=E2E`,
          undefined,
          headers,
        ),
      "an instance on the subscription",
      { until: (response) => response.status === 200, timeoutMs: 15_000 },
    );
    const instanceId = String(created.body);

    await page.reload();
    await row.getByRole("cell", { name: "1 of 2 slots used" }).waitFor();
    const link = row.getByRole("link", { name: instanceId });
    await link.waitFor();
    const violations = seriousOnly(await axeViolations(page));
    assert.deepEqual(violations, []);
    await screenshot(page, "account-subscriptions");
    await link.click();
    await page.getByRole("heading", { level: 1, name: "E2E" }).waitFor();
  });

  it("broke no security policy on the way", () => {
    assert.deepEqual(session.problems, []);
  });
});
