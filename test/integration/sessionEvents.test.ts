import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { after, before, describe, it } from "node:test";
import { EventEnvelope } from "@wsapi/contracts/events";
import { INSTANCE_OPERATIONS } from "@wsapi/contracts/routes";
import { Webhook } from "standardwebhooks";
import { type Received, startReceiver } from "../support/receiver.js";
import { json, stack } from "../support/stack.js";
import { createTenant, pairInstance, type Tenant } from "../support/tenants.js";
import { waitFor } from "../support/wait.js";

// The four event types that need a pairing, a setting or another device: `login_error` (the phone
// refuses a pairing), `initial_sync_finished` and `message_history_sync` (the history sync after
// pairing with `historySync` on, published by /session/flush-history), `call_accept` (the callee
// answers on its phone). Each reaches a webhook receiver signed both ways and matches the contract;
// with `historySync` off, the same history produces no history event at all.
const { gateway, simulator } = stack();
const digits = (prefix: string) => `${prefix}${Math.floor(1e6 + Math.random() * 8e6)}`;
const PHONE_ON = digits("1571");
const PHONE_OFF = digits("1572");
const PHONE_C = digits("1573");
const jid = (phone: string) => `${phone}@s.whatsapp.net`;
const SECRET = `whsec_${Buffer.from("session-events-test-signing-key-1").toString("base64")}`;
const ON = "sync-on";
const OFF = "sync-off";

describe("session, history and call events as signed webhooks", () => {
  let tenant: Tenant;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;

  const headersOf = (instanceId: string) => ({ "x-api-key": tenant.accountKey, "x-instance-id": instanceId });
  const deliveries = (instanceId: string, eventType: string) =>
    receiver.received.filter((r) => r.json?.instanceId === instanceId && r.json.eventType === eventType);
  /** Waits for a matching delivery, checks both signatures and the contract, and returns its data. */
  const signed = async (
    instanceId: string,
    eventType: string,
    match: (data: Record<string, unknown>) => boolean = () => true,
  ) => {
    const delivery: Received = await waitFor(
      async () => deliveries(instanceId, eventType).find((r) => match(r.json?.eventData ?? {})),
      `${eventType} at ${instanceId}'s webhook`,
    );
    assert.doesNotThrow(
      () => new Webhook(SECRET).verify(delivery.body, delivery.headers),
      "Standard Webhooks",
    );
    const hmac = createHmac("sha256", SECRET).update(delivery.body).digest("hex");
    assert.equal(delivery.headers["x-webhook-signature"], `sha256=${hmac}`, "WSAPI's signature");
    const envelope = EventEnvelope.parse(JSON.parse(delivery.body));
    assert.equal(envelope.eventType, eventType);
    assert.deepEqual(envelope.eventData, delivery.json?.eventData, "nothing outside the contract");
    return delivery.json?.eventData ?? {};
  };
  const fromPhone = async (from: string, to: string, text: string) => {
    const sent = await json("POST", `${simulator}/v1/phones/${from}/messages`, { to, text });
    assert.equal(sent.status, 201, JSON.stringify(sent.body));
  };
  const flush = async (instanceId: string) => {
    const route = INSTANCE_OPERATIONS.flushHistory;
    const answer = await json(
      route.method,
      `${gateway}/session/flush-history`,
      undefined,
      headersOf(instanceId),
    );
    assert.equal(answer.status, route.success, JSON.stringify(answer.body));
    assert.deepEqual(answer.body, { status: "ok" });
  };

  before(async () => {
    receiver = await startReceiver();
    tenant = await createTenant("sessionev", [ON, OFF]);
    for (const [id, historySync] of [
      [ON, true],
      [OFF, false],
    ] as const) {
      const put = await json(
        "PUT",
        `${gateway}/account/instances/${id}/settings`,
        { webhookUrl: receiver.url, eventSigningSecret: SECRET, historySync },
        { "x-api-key": tenant.accountKey },
      );
      assert.equal(put.status, 204);
    }
    // Both phones already have chats with C before any instance is linked to them (a phone joins
    // the simulated network with its first message).
    for (const phone of [PHONE_ON, PHONE_OFF]) {
      await fromPhone(phone, jid(PHONE_C), `hi C, from ${phone}`);
      await fromPhone(PHONE_C, jid(phone), `hello ${phone}`);
    }
    // The gateway and the events function cache an instance (settings included) for up to 5 s.
    await new Promise((resolve) => setTimeout(resolve, 5_500));
  });

  after(() => receiver.close());

  it("a pairing the phone refuses is a signed login_error; the next scan pairs", async () => {
    const qr = await waitFor(
      () => json("GET", `${gateway}/session/qr/text`, undefined, headersOf(ON)),
      "a QR from the instance",
      { until: (r) => r.status === 200, timeoutMs: 90_000 },
    );
    const refused = await json("POST", `${simulator}/v1/phones/${PHONE_ON}/link`, {
      qr: qr.body.code,
      refuse: true,
    });
    assert.equal(refused.status, 200);
    assert.match(String(refused.body.error), /refused/);
    const error = await signed(ON, "login_error");
    assert.equal(error.error, refused.body.error);
    assert.equal(error.id, refused.body.deviceId);
    const status = await json("GET", `${gateway}/session/status`, undefined, headersOf(ON));
    assert.equal(status.body.isLoggedIn, false, "a refused pairing logs nothing in");

    await pairInstance(tenant.accountKey, ON, PHONE_ON);
    await signed(ON, "logged_in");
  });

  it("with historySync on: initial_sync_finished after pairing, then flush-history publishes the history", async () => {
    assert.deepEqual(await signed(ON, "initial_sync_finished"), {});
    assert.equal(deliveries(ON, "message_history_sync").length, 0, "held until a flush");
    await flush(ON);
    const page = await signed(ON, "message_history_sync", (data) => data.chatId === jid(PHONE_C));
    const messages = page.messages as Array<{ text?: string; sender: { isMe: boolean }; chatId: string }>;
    assert.deepEqual(
      messages.map((m) => [m.text, m.sender.isMe]),
      [
        [`hi C, from ${PHONE_ON}`, true],
        [`hello ${PHONE_ON}`, false],
      ],
      "the chat's history from before the pairing, oldest first, as this phone saw it",
    );
    // A flush forgets what it published.
    await flush(ON);
    await fromPhone(PHONE_C, jid(PHONE_ON), "after the second flush");
    await signed(ON, "message", (data) => data.text === "after the second flush");
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    assert.equal(deliveries(ON, "message_history_sync").length, 1);
  });

  it("a call the callee answers on its phone is a signed call_accept", async () => {
    const started = await json("POST", `${simulator}/v1/phones/${PHONE_C}/calls`, { to: jid(PHONE_ON) });
    assert.equal(started.status, 201);
    const callId = String(started.body.id);
    await signed(ON, "call_offer", (data) => data.id === callId);
    const answered = await json("POST", `${simulator}/v1/phones/${PHONE_ON}/calls/${callId}/accept`);
    assert.equal(answered.status, 204);
    const accepted = await signed(ON, "call_accept", (data) => data.id === callId);
    assert.equal((accepted.caller as { id: string }).id, jid(PHONE_C));
    assert.ok(Date.parse(String(accepted.time)) > 0);
    const again = await json("POST", `${simulator}/v1/phones/${PHONE_ON}/calls/${callId}/accept`);
    assert.equal(again.status, 400, "an answered call no longer rings");
    const rejected = await json(
      "POST",
      `${gateway}/calls/${callId}/reject`,
      { callerId: jid(PHONE_C) },
      headersOf(ON),
    );
    assert.equal(rejected.status, 400, "nor can it be rejected");
  });

  it("with historySync off: the same history after pairing produces no history event", async () => {
    await pairInstance(tenant.accountKey, OFF, PHONE_OFF);
    await signed(OFF, "logged_in");
    await flush(OFF);
    // Events reach the webhook in about a second; wait for a later one, then a while longer.
    await fromPhone(PHONE_C, jid(PHONE_OFF), "after pairing without history");
    await signed(OFF, "message", (data) => data.text === "after pairing without history");
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    assert.equal(deliveries(OFF, "initial_sync_finished").length, 0);
    assert.equal(deliveries(OFF, "message_history_sync").length, 0);
  });
});
