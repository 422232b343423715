// Events survive a control-plane outage and a restart, arrive once each, and never sit on disk
// in plaintext.
import assert from "node:assert/strict";
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import type { EventEnvelope, WhatsAppEvent } from "@wsapi/contracts/events";
import { waitFor } from "../../test/support/wait.js";
import type { DeliveryOutcome } from "../src/events/control-client.js";
import { EventOutbox } from "../src/events/outbox.js";
import { deriveSpoolKey, EventSpool } from "../src/events/spool.js";
import { silentLogs } from "../src/logs.js";
import { tempDataDir } from "./support/instances.js";
import { newInstanceSecret } from "./support/keys.js";

const SECRET_TEXT = "the eagle lands at noon";

function message(id: string, text = SECRET_TEXT): WhatsAppEvent {
  return {
    eventType: "message",
    eventData: {
      id,
      time: new Date().toISOString(),
      chatId: "15550001111@s.whatsapp.net",
      sender: { id: "15550001111@s.whatsapp.net", phone: "15550001111", isMe: false },
      type: "text",
      text,
    },
  };
}

/** A control plane that can be switched off, recording what it accepted. */
function flakyControlPlane() {
  const delivered: EventEnvelope[] = [];
  let up = false;
  let attempts = 0;
  return {
    delivered,
    get attempts() {
      return attempts;
    },
    setUp: (value: boolean) => {
      up = value;
    },
    deliver: async (events: EventEnvelope[]): Promise<DeliveryOutcome> => {
      attempts += 1;
      if (!up) return { kind: "retry", reason: "status 503" };
      delivered.push(...events);
      return { kind: "delivered" };
    },
  };
}

function spoolFor(dir: string, instanceId: string, secret: string): EventSpool {
  mkdirSync(dir, { recursive: true });
  const key = deriveSpoolKey(Buffer.from(secret, "base64url"), instanceId);
  return new EventSpool(join(dir, "events.spool"), key, instanceId);
}

function outbox(
  spool: EventSpool,
  deliver: (events: EventEnvelope[]) => Promise<DeliveryOutcome>,
  maxPending?: number,
) {
  return new EventOutbox({
    instanceId: "ins_events",
    spool,
    deliver,
    logs: silentLogs,
    minBackoffMs: 10,
    maxBackoffMs: 50,
    ...(maxPending ? { maxPending } : {}),
  });
}

describe("event outbox", () => {
  it("buffers while the control plane is down and delivers each event once when it returns", async () => {
    const control = flakyControlPlane();
    const box = outbox(spoolFor(tempDataDir("outage"), "ins_events", newInstanceSecret()), control.deliver);
    box.start();
    for (let i = 0; i < 25; i += 1) box.publish(message(`3EB0MSG${i}`));
    await waitFor(() => control.attempts >= 3, "several failed attempts");
    assert.equal(control.delivered.length, 0);
    assert.equal(box.pendingCount(), 25);
    control.setUp(true);
    await waitFor(() => box.pendingCount() === 0, "the backlog to drain");
    box.stop();
    const ids = control.delivered.map((e) => (e.eventData as { id: string }).id);
    assert.deepEqual(
      ids,
      Array.from({ length: 25 }, (_, i) => `3EB0MSG${i}`),
      "all, in order",
    );
    assert.equal(new Set(control.delivered.map((e) => e.eventId)).size, 25, "no duplicates");
    for (const event of control.delivered) assert.match(event.eventId, /^evt_\d{13}_[0-9a-f]{16}$/);
  });

  it("deduplicates a message WhatsApp delivers twice", async () => {
    const control = flakyControlPlane();
    control.setUp(true);
    const box = outbox(spoolFor(tempDataDir("dedupe"), "ins_events", newInstanceSecret()), control.deliver);
    box.start();
    assert.ok(box.publish(message("3EB0SAME")));
    assert.equal(box.publish(message("3EB0SAME")), undefined);
    box.publish(message("3EB0OTHER"));
    await waitFor(() => control.delivered.length === 2 && box.pendingCount() === 0, "delivery");
    box.stop();
    assert.deepEqual(
      control.delivered.map((e) => (e.eventData as { id: string }).id),
      ["3EB0SAME", "3EB0OTHER"],
    );
  });

  it("keeps undelivered events across a restart, encrypted, and never redelivers acknowledged ones", async () => {
    const dir = tempDataDir("restart");
    const secret = newInstanceSecret();
    const first = flakyControlPlane();
    first.setUp(true);
    const before = outbox(spoolFor(dir, "ins_events", secret), first.deliver);
    before.start();
    before.publish(message("3EB0DELIVERED"));
    await waitFor(() => first.delivered.length === 1, "first delivery");
    first.setUp(false);
    before.publish(message("3EB0PENDING1"));
    before.publish(message("3EB0PENDING2"));
    before.stop();

    const raw = readFileSync(join(dir, "events.spool"), "utf8");
    assert.ok(!raw.includes(SECRET_TEXT), "no plaintext content on disk");
    assert.ok(!raw.includes("3EB0PENDING1"), "no plaintext ids on disk");
    assert.ok(!raw.includes(Buffer.from(SECRET_TEXT).toString("base64")), "not merely encoded");
    assert.ok(raw.split("\n").every((line) => line === "" || line.startsWith("v1.")));

    const stranger = spoolFor(dir, "ins_events", newInstanceSecret()).load();
    assert.deepEqual(
      [stranger.pending.length, stranger.unreadable > 0],
      [0, true],
      "another key reads nothing",
    );

    const second = flakyControlPlane();
    second.setUp(true);
    const after = outbox(spoolFor(dir, "ins_events", secret), second.deliver);
    after.start();
    await waitFor(() => second.delivered.length === 2 && after.pendingCount() === 0, "replay after restart");
    assert.deepEqual(
      second.delivered.map((e) => (e.eventData as { id: string }).id),
      ["3EB0PENDING1", "3EB0PENDING2"],
    );
    assert.equal(after.publish(message("3EB0PENDING1")), undefined, "dedupe memory survives the restart");
    after.stop();

    const third = flakyControlPlane();
    third.setUp(true);
    const again = outbox(spoolFor(dir, "ins_events", secret), third.deliver);
    again.start();
    assert.equal(again.pendingCount(), 0, "acknowledged events are gone for good");
    again.stop();
  });

  it("stays bounded, dropping the oldest events when the backlog is full", async () => {
    const control = flakyControlPlane();
    const box = outbox(spoolFor(tempDataDir("bound"), "ins_events", newInstanceSecret()), control.deliver, 5);
    box.start();
    for (let i = 0; i < 8; i += 1) box.publish(message(`3EB0B${i}`, `text ${i}`));
    assert.equal(box.pendingCount(), 5);
    control.setUp(true);
    await waitFor(() => box.pendingCount() === 0, "drain");
    box.stop();
    assert.deepEqual(
      control.delivered.map((e) => (e.eventData as { id: string }).id),
      ["3EB0B3", "3EB0B4", "3EB0B5", "3EB0B6", "3EB0B7"],
    );
  });
});
