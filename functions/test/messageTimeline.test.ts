import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { describe, it } from "node:test";
import type { EventEnvelope } from "@wsapi/contracts/events";
import { MessageTimeline } from "@wsapi/contracts/message-timeline";
import { ingestEvents } from "../src/core/eventIngest.js";
import {
  MAX_MESSAGES_PER_EVENT,
  messageIdsOf,
  readTimeline,
  recordReceipts,
  recordSendStages,
  recordWebhookDelivered,
  timelineIdOf,
} from "../src/core/messageTimeline.js";
import { DELIVERY_LOG_TTL_MS, type HttpOutcome } from "../src/core/webhooks/delivery.js";
import { enqueueDeliveries } from "../src/core/webhooks/enqueue.js";
import { memoryEventLog } from "./support/memoryEventLog.js";
import { fakeClock, memoryKeyRing } from "./support/memoryStores.js";
import { memoryTimelines } from "./support/memoryTimelines.js";
import { memoryInstances, testInstance, webhookWorld } from "./support/webhookMemory.js";

const SECRET_TEXT = "SENTINEL-timeline-content-7f3a";
const MESSAGE_ID = "3EB0A1B2C3D4E5F6";
const T0 = Date.parse("2026-12-02T10:00:00.000Z");
const iso = (ms: number) => new Date(ms).toISOString();

function receipt(receiptType: string, receivedAt: number, options: { isMe?: boolean; ids?: string[] } = {}) {
  return {
    eventId: `evt_${receivedAt}_${randomBytes(8).toString("hex")}`,
    instanceId: "sales-1",
    receivedAt: iso(receivedAt),
    eventType: "message_read",
    eventData: {
      chatId: "15550001111@s.whatsapp.net",
      sender: { id: "15550001111@s.whatsapp.net", isMe: options.isMe ?? false },
      messageIds: options.ids ?? [MESSAGE_ID],
      time: iso(receivedAt),
      receiptType,
    },
  } as EventEnvelope;
}

function setup() {
  const clock = fakeClock(T0);
  const timelines = memoryTimelines();
  return { clock, timelines, deps: { timelines: timelines.store, clock }, instance: testInstance() };
}

describe("message timeline", () => {
  it("answers every stage in order with its time, and nothing of the content", async () => {
    const { deps, instance, clock, timelines } = setup();
    await recordSendStages(deps, instance, [
      { messageId: MESSAGE_ID, stage: "serverAck", at: iso(T0 + 30) },
      { messageId: MESSAGE_ID, stage: "accepted", at: iso(T0) },
      { messageId: MESSAGE_ID, stage: "sent", at: iso(T0 + 10) },
    ]);
    await recordReceipts(deps, instance, [receipt("delivered", T0 + 50), receipt("read", T0 + 900)]);
    clock.advance(2_000);
    const body = JSON.stringify(receipt("read", T0 + 900));
    await recordWebhookDelivered(
      deps,
      { ...instance, eventId: "evt_1_0000000000000001", attemptCount: 3 },
      body.replace("15550001111", SECRET_TEXT),
    );

    const timeline = await readTimeline(deps.timelines, instance, MESSAGE_ID);
    assert.ok(timeline);
    MessageTimeline.parse(timeline);
    assert.deepEqual(timeline, {
      messageId: MESSAGE_ID,
      stages: [
        { stage: "accepted", at: iso(T0) },
        { stage: "sent", at: iso(T0 + 10) },
        { stage: "serverAck", at: iso(T0 + 30) },
        { stage: "delivered", at: iso(T0 + 50) },
        { stage: "read", at: iso(T0 + 900) },
        {
          stage: "webhookDelivered",
          at: iso(T0 + 2_000),
          attempts: 3,
          eventId: "evt_1_0000000000000001",
          eventType: "message_read",
        },
      ],
    });
    assert.ok(!JSON.stringify([...timelines.records.values()]).includes(SECRET_TEXT));
  });

  it("omits the stages not reached and keeps the first time of a repeated one", async () => {
    const { deps, instance } = setup();
    await recordSendStages(deps, instance, [{ messageId: MESSAGE_ID, stage: "accepted", at: iso(T0 + 5) }]);
    await recordSendStages(deps, instance, [{ messageId: MESSAGE_ID, stage: "accepted", at: iso(T0) }]);
    await recordSendStages(deps, instance, [{ messageId: MESSAGE_ID, stage: "accepted", at: iso(T0 + 9) }]);
    const timeline = await readTimeline(deps.timelines, instance, MESSAGE_ID);
    assert.deepEqual(timeline?.stages, [{ stage: "accepted", at: iso(T0) }]);
  });

  it("counts played as read, and ignores our own reads and other receipt types", async () => {
    const { deps, instance } = setup();
    await recordReceipts(deps, instance, [
      receipt("readSelf", T0, { ids: ["A1"] }),
      receipt("read", T0, { ids: ["A2"], isMe: true }),
      receipt("played", T0 + 7, { ids: ["A3"] }),
      receipt("retry", T0, { ids: ["A4"] }),
    ]);
    assert.equal(await readTimeline(deps.timelines, instance, "A1"), undefined);
    assert.equal(await readTimeline(deps.timelines, instance, "A2"), undefined);
    assert.equal(await readTimeline(deps.timelines, instance, "A4"), undefined);
    assert.deepEqual((await readTimeline(deps.timelines, instance, "A3"))?.stages, [
      { stage: "read", at: iso(T0 + 7) },
    ]);
  });

  it("keeps the latest webhook delivery of the events naming a message", async () => {
    const { deps, instance, clock } = setup();
    const deliver = (eventId: string, attemptCount: number, eventType: string) =>
      recordWebhookDelivered(
        deps,
        { ...instance, eventId, attemptCount },
        JSON.stringify({ eventType, eventData: { id: MESSAGE_ID, messageIds: [MESSAGE_ID] } }),
      );
    await deliver("evt_1_0000000000000001", 1, "message_read");
    clock.advance(1_000);
    await deliver("evt_1_0000000000000002", 2, "message_read");
    const stages = (await readTimeline(deps.timelines, instance, MESSAGE_ID))?.stages;
    assert.deepEqual(stages, [
      {
        stage: "webhookDelivered",
        at: iso(T0 + 1_000),
        attempts: 2,
        eventId: "evt_1_0000000000000002",
        eventType: "message_read",
      },
    ]);
  });

  it("is kept as long as the delivery log, counted from its last change", async () => {
    const { deps, instance, clock, timelines } = setup();
    await recordSendStages(deps, instance, [{ messageId: MESSAGE_ID, stage: "accepted", at: iso(T0) }]);
    clock.advance(60_000);
    await recordReceipts(deps, instance, [receipt("delivered", T0 + 60_000)]);
    const record = timelines.records.get(timelineIdOf({ ...instance, messageId: MESSAGE_ID }));
    assert.equal(record?.expireAt, T0 + 60_000 + DELIVERY_LOG_TTL_MS);
  });

  it("is the instance's own: another instance or account with the same message id sees nothing", async () => {
    const { deps, instance } = setup();
    await recordSendStages(deps, instance, [{ messageId: MESSAGE_ID, stage: "accepted", at: iso(T0) }]);
    assert.ok(await readTimeline(deps.timelines, instance, MESSAGE_ID));
    assert.equal(
      await readTimeline(deps.timelines, { ...instance, accountId: "acct-2" }, MESSAGE_ID),
      undefined,
    );
    assert.equal(
      await readTimeline(deps.timelines, { ...instance, instanceId: "other" }, MESSAGE_ID),
      undefined,
    );
    assert.equal(await readTimeline(deps.timelines, instance, "x".repeat(129)), undefined);
    assert.notEqual(
      timelineIdOf({ ...instance, messageId: MESSAGE_ID }),
      timelineIdOf({ ...instance, accountId: "acct-2", messageId: MESSAGE_ID }),
    );
  });

  it("clamps a stage reported from a clock far ahead, and skips unparseable bodies", async () => {
    const { deps, instance } = setup();
    await recordSendStages(deps, instance, [
      { messageId: MESSAGE_ID, stage: "sent", at: iso(T0 + 24 * 3600_000) },
    ]);
    const sent = (await readTimeline(deps.timelines, instance, MESSAGE_ID))?.stages[0];
    assert.equal(sent?.at, iso(T0 + 5 * 60_000));
    await recordWebhookDelivered(deps, { ...instance, eventId: "e", attemptCount: 1 }, "not json");
  });

  it("names the messages of message events and receipts, deduplicated and capped", () => {
    const many = Array.from({ length: 150 }, (_, index) => `M${index}`);
    assert.deepEqual(messageIdsOf({ eventType: "message", eventData: { id: "M1" } } as EventEnvelope), [
      "M1",
    ]);
    assert.equal(messageIdsOf(receipt("read", T0, { ids: [...many, "M1"] })).length, MAX_MESSAGES_PER_EVENT);
    assert.deepEqual(messageIdsOf(receipt("read", T0, { ids: ["M1", "M1"] })), ["M1"]);
    assert.deepEqual(messageIdsOf({ eventType: "logged_in", eventData: {} } as EventEnvelope), []);
  });

  it("deletes an instance's timelines page by page", async () => {
    const { deps, instance, timelines } = setup();
    await recordSendStages(
      deps,
      instance,
      ["A", "B", "C"].map((messageId) => ({ messageId, stage: "accepted" as const, at: iso(T0) })),
    );
    await recordSendStages(deps, { ...instance, instanceId: "keep" }, [
      { messageId: "A", stage: "accepted", at: iso(T0) },
    ]);
    assert.equal(await timelines.store.deleteInstance(instance.accountId, instance.instanceId, 2), 2);
    assert.equal(await timelines.store.deleteInstance(instance.accountId, instance.instanceId, 2), 1);
    assert.equal(await timelines.store.deleteInstance(instance.accountId, instance.instanceId, 2), 0);
    assert.equal(timelines.records.size, 1);
  });
});

describe("message timeline hooks", () => {
  it("event ingest records receipts whatever the instance's filters, not for a suspended account", async () => {
    for (const active of [true, false]) {
      const instance = testInstance({ eventFilters: ["message"] });
      const clock = fakeClock(T0);
      const timelines = memoryTimelines();
      const keyRing = memoryKeyRing({ 1: randomBytes(32) }, 1);
      const log = memoryEventLog();
      await ingestEvents(
        {
          instances: memoryInstances([instance]).store,
          clock,
          accountActive: async () => active,
          eventLog: { log: log.store, keyRing, clock, retentionMs: 3600_000 },
          timelines: timelines.store,
        },
        instance,
        [receipt("delivered", T0 + 3)],
      );
      const timeline = await readTimeline(timelines.store, instance, MESSAGE_ID);
      assert.deepEqual(timeline?.stages, active ? [{ stage: "delivered", at: iso(T0 + 3) }] : undefined);
    }
  });

  it("the webhook worker records a delivered event's messages with its attempts, not a failing one's", async () => {
    const script: HttpOutcome[] = [
      { kind: "response", status: 500, durationMs: 5 },
      { kind: "response", status: 200, durationMs: 5 },
    ];
    const world = webhookWorld({ respond: (index) => script[index] ?? script[1]! });
    const timelines = memoryTimelines();
    world.deps.timelines = timelines.store;
    const event = receipt("read", T0);
    const body = JSON.stringify(event);
    await enqueueDeliveries(world.enqueueDeps, world.instance, "http://127.0.0.1:9/hook", [
      { eventId: event.eventId, eventType: event.eventType, body },
    ]);
    const { queue } = world.queued;
    const first = queue.shift()!;
    const { handleDeliveryTask } = await import("../src/core/webhooks/worker.js");
    await handleDeliveryTask(first.task, world.deps);
    assert.equal(await readTimeline(timelines.store, world.instance, MESSAGE_ID), undefined);
    await world.drain();
    const stages = (await readTimeline(timelines.store, world.instance, MESSAGE_ID))?.stages;
    assert.equal(stages?.length, 1);
    assert.deepEqual(
      { ...stages![0], at: undefined },
      {
        stage: "webhookDelivered",
        at: undefined,
        attempts: 2,
        eventId: event.eventId,
        eventType: "message_read",
      },
    );
  });
});
