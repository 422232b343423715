import assert from "node:assert/strict";
import { randomInt } from "node:crypto";
import { after, before, describe, it } from "node:test";
import { type MessageTimeline, TIMELINE_STAGES } from "@wsapi/contracts/message-timeline";
import { startReceiver } from "../support/receiver.js";
import { adminDb, json, stack } from "../support/stack.js";
import { createTenant, pairInstance, type Tenant } from "../support/tenants.js";
import { waitFor } from "../support/wait.js";

// GET /messages/{id}/timeline on the local stack: A sends B a text through the gateway, B's device
// gets it (delivered) and reads it (POST /messages/{id}/read as B), A's webhook receiver refuses the
// read receipt once and takes it on the retry; A's timeline shows every stage, in order, with the
// webhook's two attempts. Another tenant asking for the same message id on its own instance of the
// same name gets the 404 an unknown id gets.
const { gateway } = stack();
const PHONE_A = `1555${randomInt(1e6, 1e7)}`;
const PHONE_B = `1556${randomInt(1e6, 1e7)}`;
const TEXT = `timeline-sentinel-${randomInt(1e9)}`;

describe("message timeline through the gateway", () => {
  let tenant: Tenant;
  let other: Tenant;
  let messageId = "";
  const refused = new Set<string>();
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  const as = (instanceId: string, key = tenant.accountKey) => ({
    "x-api-key": key,
    "x-instance-id": instanceId,
  });
  const timelineOf = (id: string, headers = as("tl-a")) =>
    json("GET", `${gateway}/messages/${encodeURIComponent(id)}/timeline`, undefined, headers);
  const isReadReceipt = (body: Record<string, unknown> | undefined) =>
    body?.receiptType === "read" && (body.messageIds as string[] | undefined)?.includes(messageId);

  before(async () => {
    // The first delivery of A's read receipt is refused (503), so it takes two attempts.
    receiver = await startReceiver((request, res) => {
      const envelope = request.json;
      if (
        envelope?.instanceId === "tl-a" &&
        isReadReceipt(envelope.eventData) &&
        !refused.has(envelope.eventId)
      ) {
        refused.add(envelope.eventId);
        res.writeHead(503).end();
        return;
      }
      res.writeHead(200).end();
    });
    tenant = await createTenant("timeline", ["tl-a", "tl-b"]);
    other = await createTenant("timeline-other", ["tl-a"]);
    const put = await json(
      "PUT",
      `${gateway}/account/instances/tl-a/settings`,
      { webhookUrl: receiver.url },
      { "x-api-key": tenant.accountKey },
    );
    assert.equal(put.status, 204);
    // The events function caches an instance's settings for up to 5 s.
    await new Promise((resolve) => setTimeout(resolve, 5_500));
    await pairInstance(tenant.accountKey, "tl-a", PHONE_A);
    await pairInstance(tenant.accountKey, "tl-b", PHONE_B);
  });
  after(() => receiver.close());

  it("shows accepted, sent, server ack, delivered, read and the webhook with its attempts, in order", async () => {
    const sent = await json(
      "POST",
      `${gateway}/messages/text`,
      { to: `${PHONE_B}@s.whatsapp.net`, text: TEXT },
      as("tl-a"),
    );
    assert.equal(sent.status, 201, JSON.stringify(sent.body));
    messageId = String(sent.body.id);

    const delivered = await waitFor(() => timelineOf(messageId), "the delivered stage", {
      until: (r) =>
        r.status === 200 && (r.body as MessageTimeline).stages.some((s) => s.stage === "delivered"),
      timeoutMs: 30_000,
    });
    assert.deepEqual((delivered.body as MessageTimeline).stages.map((s) => s.stage).slice(0, 4), [
      "accepted",
      "sent",
      "serverAck",
      "delivered",
    ]);

    const read = await json(
      "POST",
      `${gateway}/messages/${messageId}/read`,
      { chatId: `${PHONE_A}@s.whatsapp.net`, senderId: `${PHONE_A}@s.whatsapp.net`, receiptType: "read" },
      as("tl-b"),
    );
    assert.equal(read.status, 204, JSON.stringify(read.body));

    const done = await waitFor(() => timelineOf(messageId), "the read receipt's webhook stage", {
      until: (r) => {
        const stages = (r.body as MessageTimeline | undefined)?.stages ?? [];
        const webhook = stages.find((s) => s.stage === "webhookDelivered");
        return (
          stages.some((s) => s.stage === "read") &&
          webhook?.stage === "webhookDelivered" &&
          webhook.attempts === 2
        );
      },
      timeoutMs: 60_000,
    });
    const timeline = done.body as MessageTimeline;
    assert.equal(timeline.messageId, messageId);
    assert.deepEqual(
      timeline.stages.map((s) => s.stage),
      [...TIMELINE_STAGES],
    );
    const times = timeline.stages.map((s) => Date.parse(s.at));
    for (let i = 1; i < times.length; i++) {
      assert.ok(
        times[i]! >= times[i - 1]!,
        `${timeline.stages[i]!.stage} after ${timeline.stages[i - 1]!.stage}: ${JSON.stringify(timeline)}`,
      );
    }
    const webhook = timeline.stages.at(-1)!;
    assert.equal(webhook.stage, "webhookDelivered");
    if (webhook.stage !== "webhookDelivered") return;
    assert.equal(webhook.eventType, "message_read");
    const attempts = receiver.received.filter((r) => r.headers["webhook-id"] === webhook.eventId);
    assert.equal(attempts.length, 2, "the receiver saw the refused attempt and the delivered one");
    assert.ok(isReadReceipt(attempts[0]!.json?.eventData));
    assert.ok(!JSON.stringify(timeline).includes(TEXT));
  });

  it("keeps no content in the stored timeline", async () => {
    const docs = await adminDb()
      .collection("accounts")
      .doc(tenant.user.uid)
      .collection("instances")
      .doc("tl-a")
      .collection("messageTimelines")
      .get();
    assert.ok(docs.size >= 1);
    for (const doc of docs.docs) assert.ok(!JSON.stringify(doc.data()).includes(TEXT));
  });

  it("answers an unknown id and another tenant's message with the same 404 problem", async () => {
    const unknown = await timelineOf("3EB0000000000000DEAD");
    assert.equal(unknown.status, 404);
    assert.equal(unknown.body.code, "NOT_FOUND");
    const foreign = await timelineOf(messageId, as("tl-a", other.accountKey));
    assert.equal(foreign.status, 404);
    assert.deepEqual(
      { status: foreign.body.status, code: foreign.body.code, detail: foreign.body.detail },
      { status: unknown.body.status, code: unknown.body.code, detail: unknown.body.detail },
    );
    const viaB = await timelineOf(messageId, as("tl-b"));
    assert.equal(viaB.status, 404, "B did not send it: its instance has no timeline for the id");
  });
});
