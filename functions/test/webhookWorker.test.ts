import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { EventEnvelope } from "@wsapi/contracts/events";
import { Webhook } from "standardwebhooks";
import { decryptText } from "../src/core/aead.js";
import { appendEvents } from "../src/core/eventLog.js";
import {
  GONE_REASON,
  type HttpOutcome,
  PAYLOAD_GRACE_MS,
  payloadContext,
  SCHEDULE_SPAN_MS,
} from "../src/core/webhooks/delivery.js";
import { enqueueDeliveries, type OutgoingEvent } from "../src/core/webhooks/enqueue.js";
import {
  handleDeliveryTask,
  MAX_EARLY_WAIT_MS,
  SUSPENDED_REASON,
  TaskNotDueError,
} from "../src/core/webhooks/worker.js";
import { testInstance, webhookWorld } from "./support/webhookMemory.js";

const HOUR = 3600_000;

const URL_ = "http://127.0.0.1:9/hook";
const SENTINEL = "SENTINEL-message-content-4b1d";

function event(n: number): OutgoingEvent {
  const eventId = `evt_1700000000000_${String(n).padStart(16, "0")}`;
  const body = JSON.stringify({
    eventId,
    instanceId: "sales-1",
    eventType: "message",
    eventData: { text: SENTINEL },
  });
  return { eventId, eventType: "message", body };
}

const status = (code: number, retryAfter?: string): HttpOutcome => ({
  kind: "response",
  status: code,
  retryAfter,
  durationMs: 20,
});
const failure = (error: "timeout" | "connection_reset"): HttpOutcome => ({
  kind: "error",
  error,
  detail: error,
  durationMs: 15_000,
});

describe("webhook delivery worker", () => {
  it("retries a failing receiver until it recovers: same webhook-id, valid signatures, attempts in order", async () => {
    const script = [status(500), failure("timeout"), failure("connection_reset"), status(200)];
    const world = webhookWorld({ respond: (index) => script[index]! });
    await enqueueDeliveries(world.enqueueDeps, world.instance, URL_, [event(1)]);
    await world.drain();

    assert.equal(world.sent.length, 4);
    const secret = world.secrets.states.get(world.instance.runtimeId)!.instanceSecret!;
    assert.match(secret, /^whsec_/);
    for (const request of world.sent) {
      assert.equal(request.headers["webhook-id"], event(1).eventId);
      assert.equal(request.body, event(1).body);
      const timestamp = new Date(Number(request.headers["webhook-timestamp"]) * 1000);
      assert.equal(
        request.headers["webhook-signature"],
        new Webhook(secret).sign(event(1).eventId, timestamp, request.body),
      );
    }
    const [record] = world.deliveries.records.values();
    assert.equal(record!.state, "delivered");
    const attempts = [...world.deliveries.attempts.values()][0]!;
    assert.deepEqual(
      attempts.map((a) => [a.attemptNumber, a.statusCode, a.error?.split(":")[0] ?? null, a.state]),
      [
        [1, 500, "HTTP 500", "pending"],
        [2, null, "timeout", "pending"],
        [3, null, "connection_reset", "pending"],
        [4, 200, null, "delivered"],
      ],
    );
    assert.equal(world.deliveries.payloads.size, 0, "the held payload is deleted once delivered");
  });

  it("stores and logs metadata only; the content is held once, as ciphertext, never in a task", async () => {
    const world = webhookWorld({ respond: () => status(503) });
    await enqueueDeliveries(world.enqueueDeps, world.instance, URL_, [event(1)]);
    const [held] = world.deliveries.payloads.values();
    const taskPayload = held!.envelope;
    assert.equal(world.deliveries.payloads.size, 1);
    assert.ok(!("payload" in world.queued.queue[0]!.task), "tasks carry ids only");
    await world.drain(3);
    const stored = JSON.stringify([
      [...world.deliveries.records.values()],
      [...world.deliveries.attempts.values()],
      [...world.deliveries.payloads.values()],
      world.queued.queue,
      world.logLines,
    ]);
    assert.ok(!stored.includes(SENTINEL), "message content leaked into records, tasks or logs");
    assert.ok(!taskPayload.includes("SENTINEL") && taskPayload.startsWith("v1."));
    assert.ok(world.sent[0]!.body.includes(SENTINEL), "the receiver itself gets the content");
  });

  it("drops a duplicate enqueue: one delivery, one task, one POST", async () => {
    const world = webhookWorld();
    await enqueueDeliveries(world.enqueueDeps, world.instance, URL_, [event(1), event(1)]);
    await enqueueDeliveries(world.enqueueDeps, world.instance, URL_, [event(1)]);
    assert.equal(world.deliveries.records.size, 1);
    assert.equal(world.queued.queue.length, 1);
    await world.drain();
    await enqueueDeliveries(world.enqueueDeps, world.instance, URL_, [event(1)]);
    await world.drain();
    assert.equal(world.sent.length, 1);
  });

  it("survives a crash after recording an attempt: the re-run schedules the next attempt once, without a second POST", async () => {
    const world = webhookWorld({ respond: (index) => (index === 0 ? status(502) : status(200)) });
    await enqueueDeliveries(world.enqueueDeps, world.instance, URL_, [event(1)]);
    const first = world.queued.queue.shift()!.task;
    const enqueue = world.deps.tasks.enqueue;
    world.deps.tasks = { enqueue: async () => Promise.reject(new Error("Cloud Tasks unavailable")) };
    await assert.rejects(handleDeliveryTask(first, world.deps), /unavailable/);
    world.deps.tasks = { enqueue };
    await handleDeliveryTask(first, world.deps);
    await handleDeliveryTask(first, world.deps);
    assert.equal(world.sent.length, 1);
    assert.equal(world.queued.queue.length, 1);
    await world.drain();
    assert.equal(world.sent.length, 2);
    assert.equal([...world.deliveries.records.values()][0]!.state, "delivered");
  });

  it("survives a crash before recording: the re-run sends again with the same webhook-id, recorded once", async () => {
    const world = webhookWorld();
    await enqueueDeliveries(world.enqueueDeps, world.instance, URL_, [event(1)]);
    const first = world.queued.queue.shift()!.task;
    const store = world.deps.deliveries;
    world.deps.deliveries = {
      ...store,
      recordAttempt: async () => Promise.reject(new Error("Firestore down")),
    };
    await assert.rejects(handleDeliveryTask(first, world.deps));
    world.deps.deliveries = store;
    await handleDeliveryTask(first, world.deps);
    assert.equal(world.sent.length, 2);
    assert.equal(world.sent[0]!.headers["webhook-id"], world.sent[1]!.headers["webhook-id"]);
    assert.equal([...world.deliveries.attempts.values()][0]!.length, 1);
  });

  it("disables the endpoint on 410 with a visible reason and stops delivering to it", async () => {
    const world = webhookWorld({ respond: (index) => (index === 0 ? status(410) : status(200)) });
    await enqueueDeliveries(world.enqueueDeps, world.instance, URL_, [event(1), event(2)]);
    await world.drain();
    assert.equal(world.sent.length, 1, "the second delivery never reaches a gone endpoint");
    const states = [...world.deliveries.records.values()].map((record) => [record.state, record.reason]);
    assert.deepEqual(states, [
      ["disabled", GONE_REASON],
      ["disabled", GONE_REASON],
    ]);
    const [endpoint] = world.deliveries.endpoints.values();
    assert.ok(endpoint!.disabledAt);
    assert.deepEqual(await enqueueDeliveries(world.enqueueDeps, world.instance, URL_, [event(3)]), []);
  });

  it("treats 3xx as a failure and honours Retry-After", async () => {
    const world = webhookWorld({
      respond: (index) => [status(301), status(429, "3600"), status(200)][index]!,
    });
    await enqueueDeliveries(world.enqueueDeps, world.instance, URL_, [event(1)]);
    await world.drain();
    const [first, second, third] = world.sent.map((request) => request.at);
    assert.equal(second! - first!, 5_000);
    assert.equal(third! - second!, 3_600_000);
    const attempts = [...world.deliveries.attempts.values()][0]!;
    assert.equal(attempts[0]!.error, "redirect 301 (not followed)");
  });

  it("waits out a task dispatched a little early and refuses one far too early", async () => {
    const world = webhookWorld();
    await enqueueDeliveries(world.enqueueDeps, world.instance, URL_, [event(1)]);
    const task = world.queued.queue.shift()!.task;
    const farEarly = { ...task, dueAt: world.clock.now() + MAX_EARLY_WAIT_MS + 1 };
    await assert.rejects(handleDeliveryTask(farEarly, world.deps), TaskNotDueError);
    assert.equal(world.sent.length, 0);
    const start = world.clock.now();
    await handleDeliveryTask({ ...task, dueAt: start + 2_000 }, world.deps);
    assert.equal(world.sent[0]!.at, start + 2_000);
  });

  it("cancels deliveries of a deleted instance and sends the customer's auth header", async () => {
    const instance = testInstance({ webhookAuthHeader: "X-Customer-Auth" });
    const world = webhookWorld({ instance });
    world.secrets.states.set(instance.runtimeId, { authValue: "customer-token" });
    await enqueueDeliveries(world.enqueueDeps, instance, URL_, [event(1), event(2)]);
    await handleDeliveryTask(world.queued.queue.shift()!.task, world.deps);
    assert.equal(world.sent[0]!.headers["X-Customer-Auth"], "customer-token");
    world.instances.byKey.clear();
    await world.drain();
    const states = [...world.deliveries.records.values()].map((record) => record.state);
    assert.deepEqual(states, ["delivered", "cancelled"]);
    assert.equal(world.deliveries.payloads.size, 0);
  });

  it("makes no attempt for a suspended account: the delivery is cancelled with the reason, nothing rescheduled", async () => {
    const world = webhookWorld({ respond: () => status(500) });
    await enqueueDeliveries(world.enqueueDeps, world.instance, URL_, [event(1), event(2)]);
    // One attempt each fails and schedules the next; then the account is suspended.
    await world.drain(2);
    assert.equal(world.sent.length, 2);
    assert.equal(world.queued.queue.length, 2, "each failed attempt scheduled its next one");
    world.suspended.add(world.instance.accountId);
    const [first] = world.deliveries.records.values();
    const manual = {
      v: 1 as const,
      accountId: first!.accountId,
      instanceId: first!.instanceId,
      deliveryId: first!.deliveryId,
      trigger: "manual" as const,
      seq: 1,
      dueAt: world.clock.now(),
    };
    await handleDeliveryTask(manual, world.deps);
    await world.drain();

    assert.equal(world.sent.length, 2, "no attempt, scheduled or manual, after the suspension");
    assert.equal(world.queued.queue.length, 0, "no retry scheduled");
    for (const record of world.deliveries.records.values()) {
      assert.equal(record.state, "cancelled");
      assert.equal(record.reason, SUSPENDED_REASON);
      assert.equal(record.nextAttemptAt, null);
      assert.equal(record.attemptCount, 1);
    }
    assert.equal(world.deliveries.payloads.size, 0, "the held content is deleted");
    assert.ok(world.logLines.some((line) => line.includes("account suspended")));
  });

  it("records a refused URL as a cancelled delivery with the reason, never attempted", async () => {
    const world = webhookWorld();
    world.enqueueDeps.mode = "production";
    await enqueueDeliveries(world.enqueueDeps, world.instance, "http://hooks.example.com/x", [event(1)]);
    const [record] = world.deliveries.records.values();
    assert.equal(record!.state, "cancelled");
    assert.match(record!.reason!, /https is required/);
    assert.equal(world.queued.queue.length, 0);
  });
  it("drops malformed tasks and cancels a delivery whose payload no key opens, instead of spinning", async () => {
    const world = webhookWorld();
    await handleDeliveryTask({ v: 1, deliveryId: "nope" }, world.deps);
    assert.match(world.logLines.at(-1)!, /taskRejected/);
    await enqueueDeliveries(world.enqueueDeps, world.instance, URL_, [event(1)]);
    const task = world.queued.queue.shift()!.task;
    const held = world.deliveries.payloads.get(task.deliveryId)!;
    const [version, key, iv, body, tag] = held.envelope.split(".");
    held.envelope = [version, key, iv, `${body!.startsWith("A") ? "B" : "A"}${body!.slice(1)}`, tag].join(
      ".",
    );
    await handleDeliveryTask(task, world.deps);
    assert.equal(world.sent.length, 0);
    assert.equal([...world.deliveries.records.values()][0]!.state, "cancelled");
    assert.equal(world.deliveries.payloads.size, 0, "a payload no key opens is not kept");
  });

  it("holds the content only as long as the schedule needs it: next attempt + 24 h, then 24 h after giving up", async () => {
    const world = webhookWorld({ respond: () => status(500) });
    const start = world.clock.now();
    await enqueueDeliveries(world.enqueueDeps, world.instance, URL_, [event(1)]);
    const first = [...world.deliveries.payloads.values()][0]!;
    const firstTask = world.queued.queue[0]!.task;
    assert.equal(first.expireAt, start + PAYLOAD_GRACE_MS, "first attempt due now: held for the grace");
    await world.drain(1);
    const [record] = world.deliveries.records.values();
    assert.equal(record!.state, "pending");
    assert.equal(first.expireAt, record!.nextAttemptAt! + PAYLOAD_GRACE_MS, "moved on with the schedule");
    await world.drain();
    const [done] = world.deliveries.records.values();
    assert.equal(done!.state, "exhausted");
    assert.equal(first.expireAt, world.clock.now() + PAYLOAD_GRACE_MS, "24 h for a manual retry, no more");
    assert.ok(first.expireAt - start <= SCHEDULE_SPAN_MS + PAYLOAD_GRACE_MS);
    world.clock.advance(PAYLOAD_GRACE_MS + 1);
    await handleDeliveryTask(
      { ...firstTask, trigger: "manual", seq: 1, dueAt: world.clock.now() },
      world.deps,
    );
    assert.equal(world.deliveries.payloads.size, 0, "an expired payload is never used, and is deleted");
  });

  it("runs a task queued by the previous version (payload inside) from the held copy", async () => {
    const world = webhookWorld();
    await enqueueDeliveries(world.enqueueDeps, world.instance, URL_, [event(1)]);
    const task = world.queued.queue.shift()!.task;
    await handleDeliveryTask({ ...task, payload: "v1.old.task.payload.ignored" }, world.deps);
    assert.equal(world.sent.length, 1);
    assert.ok(world.sent[0]!.body.includes(SENTINEL));
  });

  it("reads a logged event's body from the event log, holds it there while needed, then lets it expire", async () => {
    const world = webhookWorld({ respond: (index) => (index === 0 ? status(503) : status(200)) });
    const logDeps = {
      log: world.eventLog.store,
      keyRing: world.deps.keyRing,
      clock: world.clock,
      retentionMs: HOUR,
    };
    const envelope = JSON.parse(event(1).body) as EventEnvelope;
    await appendEvents(logDeps, world.instance, [envelope]);
    await enqueueDeliveries(world.enqueueDeps, world.instance, URL_, [{ ...event(1), logged: true }]);
    const [held] = world.deliveries.payloads.values();
    const payload = await decryptText(
      world.deps.keyRing,
      held!.envelope,
      payloadContext(held!.ref.deliveryId),
    );
    assert.ok(!payload.includes(SENTINEL), "the held payload carries no body: it is in the log only");
    const [entry] = world.eventLog.entries.values();
    assert.equal(entry!.expireAt, held!.expireAt, "the log entry is held as long as the payload");
    await world.drain(1);
    assert.equal(world.sent[0]!.body, event(1).body, "the logged body, byte for byte");
    assert.equal(
      entry!.expireAt,
      [...world.deliveries.payloads.values()][0]!.expireAt,
      "moved on with the schedule",
    );
    await world.drain();
    assert.equal(world.sent.length, 2);
    assert.equal(world.sent[1]!.body, event(1).body);
    assert.equal(entry!.expireAt, entry!.retainUntil, "delivered: back to the log's own retention");
  });

  it("cancels a logged event's delivery once the log no longer holds its body", async () => {
    const world = webhookWorld();
    const logDeps = {
      log: world.eventLog.store,
      keyRing: world.deps.keyRing,
      clock: world.clock,
      retentionMs: HOUR,
    };
    await appendEvents(logDeps, world.instance, [JSON.parse(event(1).body) as EventEnvelope]);
    await enqueueDeliveries(world.enqueueDeps, world.instance, URL_, [{ ...event(1), logged: true }]);
    world.eventLog.entries.clear();
    await world.drain();
    assert.equal(world.sent.length, 0);
    const [record] = world.deliveries.records.values();
    assert.equal(record!.state, "cancelled");
    assert.equal(record!.reason, "The event content is no longer held.");
    assert.equal(world.deliveries.payloads.size, 0);
  });
});
