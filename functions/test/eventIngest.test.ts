import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { EventEnvelope } from "@wsapi/contracts/events";
import { type IngestDeps, ingestEvents } from "../src/core/eventIngest.js";
import type { Instance } from "../src/core/instances.js";
import { fakeClock } from "./support/memoryStores.js";
import { memoryInstances, testInstance } from "./support/webhookMemory.js";

const event = (eventId: string) =>
  ({
    eventId,
    instanceId: "wi-runtime",
    receivedAt: "2026-11-26T00:00:00.000Z",
    eventType: "chat_presence",
    eventData: { chatId: "1555@s.whatsapp.net", state: "composing" },
  }) as unknown as EventEnvelope;

function world(active: boolean) {
  const instance = testInstance();
  const enqueued: Array<{ url: string; ids: string[] }> = [];
  const deps: IngestDeps = {
    instances: memoryInstances([instance]).store,
    clock: fakeClock(),
    accountActive: async () => active,
    webhooks: {
      async enqueue(_instance: Instance, url: string, events: EventEnvelope[]) {
        enqueued.push({ url, ids: events.map((e) => e.eventId) });
      },
    },
  };
  return { deps, instance, enqueued };
}

describe("event ingest", () => {
  it("queues deliveries under the customer's instance id", async () => {
    const { deps, instance, enqueued } = world(true);
    const outcome = await ingestEvents(deps, instance, [event("e1"), event("e2")]);
    assert.deepEqual(outcome, { accepted: 2, deliverable: 2 });
    assert.deepEqual(enqueued, [{ url: instance.settings.webhookUrl, ids: ["e1", "e2"] }]);
  });

  it("accepts a suspended account's events but delivers none", async () => {
    const { deps, instance, enqueued } = world(false);
    const outcome = await ingestEvents(deps, instance, [event("e1")]);
    assert.deepEqual(outcome, { accepted: 1, deliverable: 0 });
    assert.deepEqual(enqueued, []);
  });
});
