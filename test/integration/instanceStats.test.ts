import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { startReceiver } from "../support/receiver.js";
import { adminDb, asUser, json, stack } from "../support/stack.js";
import { createTenant, pairInstance, type Tenant } from "../support/tenants.js";
import { waitFor } from "../support/wait.js";

// The instance's numbers (GET /account/instances/{id}/stats, our extension) match what the test
// did on the local stack: messages sent through the gateway and from the phone itself (out), from a
// contact (in), and every webhook the receiver was sent (delivered, none failed).
const { gateway, simulator, dashboard } = stack();
const PHONE = `1558${Math.floor(1e6 + Math.random() * 8e6)}`;
const CONTACT = `1559${Math.floor(1e6 + Math.random() * 8e6)}`;
const ID = "stats-a";

interface Totals {
  messagesIn: number;
  messagesOut: number;
  webhooksSucceeded: number;
  webhooksFailed: number;
  webhookSuccessRate: number | null;
  latencyMs: { p50: number | null; p95: number | null };
}
type Row = Omit<Totals, "webhookSuccessRate"> & { start: string };
const totalsOf = (response: { body: Record<string, unknown> }) =>
  (response.body.totals ?? {}) as Partial<Totals>;

describe("instance stats", () => {
  let tenant: Tenant;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  const account = () => ({ "x-api-key": tenant.accountKey });
  const asInstance = () => ({ ...account(), "x-instance-id": ID });
  const stats = (range = "24h") =>
    json("GET", `${gateway}/account/instances/${ID}/stats?range=${range}`, undefined, account());
  const delivered = () => receiver.received.filter((r) => r.json?.instanceId === ID).length;
  const messageEvents = () =>
    receiver.received.filter((r) => r.json?.instanceId === ID && r.json?.eventType === "message");

  before(async () => {
    receiver = await startReceiver();
    tenant = await createTenant("stats", [ID]);
    const put = await json(
      "PUT",
      `${gateway}/account/instances/${ID}/settings`,
      { webhookUrl: receiver.url },
      account(),
    );
    assert.equal(put.status, 204);
    await pairInstance(tenant.accountKey, ID, PHONE);
  });

  after(() => receiver.close());

  it("starts at zero, with neither a success rate nor a latency", async () => {
    // Pairing produced session events (webhooks), but no message yet.
    const { status, body } = await stats();
    assert.equal(status, 200);
    assert.equal(body.instanceId, ID);
    assert.equal(body.range, "24h");
    assert.equal((body.hours as Row[]).length, 24);
    assert.deepEqual(
      [totalsOf({ body }).messagesIn, totalsOf({ body }).messagesOut, totalsOf({ body }).webhooksFailed],
      [0, 0, 0],
    );
  });

  it("counts N messages out, M in and every webhook delivered", async () => {
    const to = `${CONTACT}@s.whatsapp.net`;
    // M = 2 from a contact (which also puts the contact on the network).
    for (const text of ["first in", "second in"]) {
      const sent = await json("POST", `${simulator}/v1/phones/${CONTACT}/messages`, { to: PHONE, text });
      assert.equal(sent.status, 201);
    }
    // N = 4 out: three API sends (one of them repeated with its Idempotency-Key, which sends nothing)
    // and one typed on the phone itself, which reaches the instance as a message from the account.
    for (const text of ["out 1", "out 2"]) {
      const sent = await json("POST", `${gateway}/messages/text`, { to, text }, asInstance());
      assert.equal(sent.status, 201, JSON.stringify(sent.body));
    }
    const keyed = { ...asInstance(), "idempotency-key": `stats-${Date.now()}` };
    const once = await json("POST", `${gateway}/messages/text`, { to, text: "out 3" }, keyed);
    const replay = await json("POST", `${gateway}/messages/text`, { to, text: "out 3" }, keyed);
    assert.equal(once.status, 201);
    assert.equal(replay.body.id, once.body.id, "the replay answers the first send");
    const fromPhone = await json("POST", `${simulator}/v1/phones/${PHONE}/messages`, {
      to: CONTACT,
      text: "out 4",
    });
    assert.equal(fromPhone.status, 201);
    await waitFor(() => Promise.resolve(messageEvents().length), "three message webhooks", {
      until: (n) => n >= 3,
      timeoutMs: 30_000,
    });

    // The counters follow the receiver: compared when both agree, as deliveries may still be arriving.
    const settled = await waitFor(stats, "stats matching what was sent and delivered", {
      until: (r) =>
        totalsOf(r).messagesIn === 2 &&
        totalsOf(r).messagesOut === 4 &&
        totalsOf(r).webhooksSucceeded === delivered(),
      timeoutMs: 45_000,
      intervalMs: 500,
    });
    const totals = settled.body.totals as Totals;
    assert.equal(messageEvents().length, 3, "two in and one from the phone were delivered as message events");
    assert.equal(totals.webhooksFailed, 0);
    assert.equal(totals.webhookSuccessRate, 1);
    assert.ok(totals.webhooksSucceeded >= 3);
    assert.ok(totals.latencyMs.p50! > 0 && totals.latencyMs.p50! <= totals.latencyMs.p95!);
    assert.ok(totals.latencyMs.p95! < 60_000, `p95 ${totals.latencyMs.p95} ms`);
    // The hourly rows add up to the totals.
    const rows = settled.body.hours as Row[];
    const sum = (key: "messagesIn" | "messagesOut" | "webhooksSucceeded") =>
      rows.reduce((n, row) => n + row[key], 0);
    assert.deepEqual(
      [sum("messagesIn"), sum("messagesOut"), sum("webhooksSucceeded")],
      [2, 4, totals.webhooksSucceeded],
    );
    assert.ok(
      rows.at(-1)!.messagesIn + rows.at(-2)!.messagesIn === 2,
      "counted in the current (or the last) hour",
    );

    const week = await stats("7d");
    assert.equal(week.status, 200);
    assert.equal((week.body.hours as Row[]).length, 168);
    assert.deepEqual(
      [totalsOf(week).messagesIn, totalsOf(week).messagesOut],
      [totals.messagesIn, totals.messagesOut],
    );
    // The dashboard's instance page reads the same numbers.
    const page = await json("GET", `${dashboard}/v1/instances/${ID}/stats`, undefined, asUser(tenant.user));
    assert.equal(page.status, 200);
    assert.deepEqual([totalsOf(page).messagesIn, totalsOf(page).messagesOut], [2, 4]);
  });

  it("refuses an unknown range with a problem naming it", async () => {
    const { status, body } = await stats("30d");
    assert.equal(status, 400);
    assert.equal(body.code, "VALIDATION");
    assert.match(String(body.detail), /range/);
  });

  it("erases the numbers with the instance", async () => {
    const documents = () =>
      adminDb()
        .collection("accounts")
        .doc(tenant.user.uid)
        .collection("instances")
        .doc(ID)
        .collection("hourlyStats")
        .get();
    assert.ok((await documents()).size > 0, "the counters are stored");
    const deleted = await json("DELETE", `${gateway}/account/instances/${ID}`, undefined, account());
    assert.equal(deleted.status, 204);
    assert.equal((await stats()).status, 404);
    await waitFor(documents, "the instance's hourly stats to be erased", {
      until: (snapshot) => snapshot.size === 0,
      timeoutMs: 90_000,
      intervalMs: 1_000,
    });
  });
});
