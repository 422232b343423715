import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { json, stack } from "../support/stack.js";
import { createTenant, pairInstance, type Tenant } from "../support/tenants.js";
import { waitFor } from "../support/wait.js";

// Paced sending (our extension) through the public gateway on the simulated network: pacing set in
// the instance settings reaches the instance in the gateway's token; sends are answered at once as
// WSAPI answers them, go out no closer than the gap, can be watched and cancelled in /messages/queue.
const { gateway, simulator } = stack();
const PHONE = `1558${Math.floor(1e6 + Math.random() * 8e6)}`;
const CONTACT = `1559${Math.floor(1e6 + Math.random() * 8e6)}`;
const GAP_MS = 1_500;

type InboxEntry = { id: string; text?: string; time: string };

describe("paced sending", () => {
  let tenant: Tenant;
  const as = () => ({ "x-api-key": tenant.accountKey, "x-instance-id": "paced" });
  const settings = (body: unknown) =>
    json("PUT", `${gateway}/account/instances/paced/settings`, body, { "x-api-key": tenant.accountKey });
  const queue = async () => (await json("GET", `${gateway}/messages/queue`, undefined, as())).body;
  const inbox = async () =>
    (await json("GET", `${simulator}/v1/phones/${CONTACT}/messages`)).body as unknown as InboxEntry[];
  const sendText = (text: string) =>
    json("POST", `${gateway}/messages/text`, { to: `${CONTACT}@s.whatsapp.net`, text }, as());

  before(async () => {
    tenant = await createTenant("paced", ["paced"]);
    await pairInstance(tenant.accountKey, "paced", PHONE);
    const registered = await json("PUT", `${simulator}/v1/phones/${CONTACT}/profile`, { name: "Contact" });
    assert.equal(registered.status, 204);
  });

  it("stores bounded pacing settings and shows them in the instance detail", async () => {
    for (const bad of [{ minGapMs: -1 }, { minGapMs: 3_600_000 }, { minGapMs: 1000, burst: 3 }, "fast"]) {
      const refused = await settings({ pacing: bad });
      assert.equal(refused.status, 400, JSON.stringify(bad));
      assert.equal(refused.body.code, "VALIDATION");
    }
    assert.equal((await settings({ pacing: { minGapMs: GAP_MS } })).status, 204);
    const detail = await json("GET", `${gateway}/account/instances/paced`, undefined, {
      "x-api-key": tenant.accountKey,
    });
    assert.deepEqual((detail.body.settings as Record<string, unknown>).pacing, {
      minGapMs: GAP_MS,
      jitterMs: 0,
      typingIndicator: false,
      maxNewContactsPerHour: null,
    });
    // The gateway's instance cache holds settings for up to 5 s on other servers.
    await waitFor(queue, "the instance to see the pacing", {
      until: (body) => (body.pacing as { minGapMs?: number } | null)?.minGapMs === GAP_MS,
      timeoutMs: 10_000,
    });
  });

  it("answers three quick sends at once and delivers them no closer than the gap", async () => {
    const texts = ["paced one", "paced two", "paced three"];
    const ids: string[] = [];
    for (const text of texts) {
      const sent = await sendText(text);
      assert.equal(sent.status, 201, JSON.stringify(sent.body));
      assert.deepEqual(Object.keys(sent.body), ["id"]);
      ids.push(String(sent.body.id));
    }
    const pending = await queue();
    assert.ok(Number(pending.depth) >= 1, `queued while pending: ${JSON.stringify(pending)}`);
    assert.deepEqual(pending.messageIds, ids.slice(ids.length - Number(pending.depth)));
    assert.ok(Date.parse(String(pending.nextSendAt)) > 0);

    const received = await waitFor(
      async () => (await inbox()).filter((message) => ids.includes(message.id)),
      "all three at the contact",
      { until: (messages) => messages.length === 3, timeoutMs: 20_000 },
    );
    assert.deepEqual(
      received.map((message) => [message.id, message.text]),
      ids.map((id, n) => [id, texts[n]]),
      "in order, under the ids answered",
    );
    const times = received.map((message) => Date.parse(message.time));
    for (let n = 1; n < times.length; n++) {
      assert.ok(times[n]! - times[n - 1]! >= GAP_MS, `gap ${n}: ${times[n]! - times[n - 1]!} ms`);
    }
    assert.equal((await queue()).depth, 0);
  });

  it("cancels what waits: DELETE answers how many, and they never arrive", async () => {
    const ids: string[] = [];
    for (const text of ["kept", "cancelled one", "cancelled two"])
      ids.push(String((await sendText(text)).body.id));
    const cancelled = await json("DELETE", `${gateway}/messages/queue`, undefined, as());
    assert.equal(cancelled.status, 200);
    assert.ok(Number(cancelled.body.cancelled) >= 2, JSON.stringify(cancelled.body));
    assert.deepEqual(cancelled.body.messageIds, ids.slice(3 - Number(cancelled.body.cancelled)));
    assert.equal((await queue()).depth, 0);
    await new Promise((resolve) => setTimeout(resolve, 3 * GAP_MS));
    const arrived = (await inbox()).map((message) => message.id);
    for (const id of cancelled.body.messageIds as string[]) assert.ok(!arrived.includes(id), `${id} arrived`);
  });

  it("sends straight out again once pacing is turned off", async () => {
    assert.equal((await settings({ pacing: null })).status, 204);
    await waitFor(queue, "the instance to see pacing off", { until: (body) => body.pacing === null });
    const sent = await sendText("unpaced");
    assert.equal(sent.status, 201);
    const arrived = await waitFor(async () => (await inbox()).find((m) => m.id === sent.body.id), "unpaced");
    assert.equal(arrived.text, "unpaced");
  });
});
