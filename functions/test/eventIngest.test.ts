import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { describe, it } from "node:test";
import type { EventEnvelope } from "@wsapi/contracts/events";
import { type IngestDeps, ingestEvents } from "../src/core/eventIngest.js";
import { nextEvents, streamKeyOf } from "../src/core/eventLog.js";
import type { Instance } from "../src/core/instances.js";
import { memoryEventLog } from "./support/memoryEventLog.js";
import { fakeClock, memoryKeyRing } from "./support/memoryStores.js";
import { memoryInstances, testInstance } from "./support/webhookMemory.js";

const SECRET_TEXT = "the customer's private message text";
const HOUR = 3600_000;

const event = (eventId: string, eventType = "message") =>
  ({
    eventId,
    instanceId: "wi-runtime",
    receivedAt: "2026-11-26T00:00:00.000Z",
    eventType,
    eventData: { chatId: "1555@s.whatsapp.net", text: SECRET_TEXT },
  }) as unknown as EventEnvelope;

function world(active: boolean, settings: Partial<Instance["settings"]> = {}) {
  const instance = testInstance(settings);
  const enqueued: Array<{ url: string; ids: string[] }> = [];
  const log = memoryEventLog();
  const clock = fakeClock();
  const keyRing = memoryKeyRing({ 1: randomBytes(32) }, 1);
  const deps: IngestDeps = {
    instances: memoryInstances([instance]).store,
    clock,
    accountActive: async () => active,
    webhooks: {
      async enqueue(_instance: Instance, url: string, events: EventEnvelope[]) {
        enqueued.push({ url, ids: events.map((e) => e.eventId) });
      },
    },
    eventLog: { log: log.store, keyRing, clock, retentionMs: 24 * HOUR },
  };
  const stream = streamKeyOf(instance.accountId, instance.instanceId);
  const logged = async () => (await nextEvents(deps.eventLog, stream, 0, 100)).events;
  return { deps, instance, enqueued, log, clock, logged };
}

describe("event ingest", () => {
  it("queues deliveries under the customer's instance id", async () => {
    const { deps, instance, enqueued } = world(true);
    const outcome = await ingestEvents(deps, instance, [event("e1"), event("e2")]);
    assert.deepEqual(outcome, { accepted: 2, deliverable: 2 });
    assert.deepEqual(enqueued, [{ url: instance.settings.webhookUrl, ids: ["e1", "e2"] }]);
  });

  it("accepts a suspended account's events but delivers and logs none", async () => {
    const { deps, instance, enqueued, logged } = world(false);
    const outcome = await ingestEvents(deps, instance, [event("e1")]);
    assert.deepEqual(outcome, { accepted: 1, deliverable: 0 });
    assert.deepEqual(enqueued, []);
    assert.deepEqual(await logged(), []);
  });

  it("logs each event once, encrypted, in ingest order, for the retention", async () => {
    const { deps, instance, log, clock, logged } = world(true);
    await ingestEvents(deps, instance, [event("e1"), event("e2")]);
    // A batch sent again (the instance never saw the answer) is not logged twice.
    await ingestEvents(deps, instance, [event("e2")]);
    clock.advance(5);
    await ingestEvents(deps, instance, [event("e3")]);
    const events = await logged();
    assert.deepEqual(
      events.map((e) => e.eventId),
      ["e1", "e2", "e3"],
    );
    assert.equal(
      JSON.parse(events[0]!.data).instanceId,
      instance.instanceId,
      "the customer's id, as webhooks",
    );
    for (const entry of log.entries.values()) {
      assert.ok(!JSON.stringify(entry).includes(SECRET_TEXT), "no plaintext in the stored entry");
      assert.equal(entry.expireAt - entry.loggedAt, 24 * HOUR);
    }
  });

  it("keeps positions increasing when this clock is behind the one that logged before", async () => {
    const { deps, instance, clock, logged } = world(true);
    await ingestEvents(deps, instance, [event("e1")]);
    clock.advance(-60_000);
    await ingestEvents(deps, instance, [event("e2")]);
    assert.deepEqual(
      (await logged()).map((e) => e.eventId),
      ["e1", "e2"],
    );
  });

  it("in pull mode pushes only session events to the webhook and logs them all", async () => {
    const { deps, instance, enqueued, logged } = world(true, { pullMode: true });
    const outcome = await ingestEvents(deps, instance, [event("m1"), event("s1", "login_error")]);
    assert.deepEqual(outcome, { accepted: 2, deliverable: 1 });
    assert.deepEqual(enqueued, [{ url: instance.settings.webhookUrl, ids: ["s1"] }]);
    assert.deepEqual(
      (await logged()).map((e) => e.eventId),
      ["m1", "s1"],
    );
  });

  it("logs only what the instance's filters let through", async () => {
    const { deps, instance, logged } = world(true, { eventFilters: ["chat_presence"] });
    await ingestEvents(deps, instance, [event("m1"), event("p1", "chat_presence")]);
    assert.deepEqual(
      (await logged()).map((e) => e.eventId),
      ["p1"],
    );
  });
});
