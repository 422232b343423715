import { checkEgressUrl, type EgressMode } from "@wsapi/contracts/egress";
import { encrypt } from "../aead.js";
import { streamKeyOf } from "../eventLog.js";
import type { Instance } from "../instances.js";
import type { Clock } from "../ports/clock.js";
import type { EventLogStore } from "../ports/eventLog.js";
import type { KeyRing } from "../ports/keyRing.js";
import type { DeliveryStore, DeliveryTasks, NewDelivery } from "../ports/webhooks.js";
import {
  DELIVERY_LOG_TTL_MS,
  type DeliveryRecord,
  deliveryIdFor,
  endpointIdFor,
  MAX_PAYLOAD_BYTES,
  payloadContext,
  payloadExpiry,
  redactEndpoint,
  taskIdFor,
} from "./delivery.js";
import type { WebhookLogEvents } from "./logs.js";

// Turns events into deliveries: a log record, the payload encrypted and held in one place
// (deliveryPayloads, and for a logged event its body in the event log; tasks carry ids only), and the
// first task. Repeating an enqueue creates nothing new.
export interface EnqueueDeps {
  deliveries: DeliveryStore;
  /** Holds a logged event's body as long as its delivery needs it. */
  eventLog: Pick<EventLogStore, "hold">;
  tasks: DeliveryTasks;
  keyRing: KeyRing;
  clock: Clock;
  mode: EgressMode;
  logs: WebhookLogEvents;
}

export interface OutgoingEvent {
  eventId: string;
  eventType: string;
  /** The exact JSON text to POST (and sign). */
  body: string;
  /** In the event log (ingested events): the payload then carries no body; the worker reads it there. */
  logged?: boolean;
}

const ENQUEUE_CONCURRENCY = 16;

async function forEachLimited<T>(items: T[], limit: number, run: (item: T) => Promise<unknown>) {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await run(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

function refusalOf(urlRefusal: string | undefined, body: string): string | undefined {
  if (urlRefusal) return `Webhook URL refused: ${urlRefusal}.`;
  if (Buffer.byteLength(body, "utf8") > MAX_PAYLOAD_BYTES) return "The event is larger than 512 KiB.";
  return undefined;
}

export async function enqueueDeliveries(
  deps: EnqueueDeps,
  instance: Instance,
  url: string,
  events: OutgoingEvent[],
): Promise<DeliveryRecord[]> {
  const { accountId, instanceId } = instance;
  const check = checkEgressUrl(url, deps.mode, "webhook");
  const endpointId = endpointIdFor(url);
  const endpoint = await deps.deliveries.getEndpoint(accountId, instanceId, endpointId);
  if (endpoint?.disabledAt) {
    deps.logs.deliveriesDropped(accountId, instanceId, events.length, "endpoint disabled");
    return [];
  }
  const now = deps.clock.now();
  const unique = [...new Map(events.map((event) => [event.eventId, event])).values()];
  const prepared: NewDelivery[] = await Promise.all(
    unique.map(async (event) => {
      const deliveryId = deliveryIdFor(accountId, instanceId, event.eventId, url);
      const refusal = refusalOf(check.ok ? undefined : check.reason, event.body);
      const heldUntil = refusal ? null : payloadExpiry({ state: "pending", nextAttemptAt: now }, now);
      const record: DeliveryRecord = {
        accountId,
        instanceId,
        deliveryId,
        eventId: event.eventId,
        eventType: event.eventType,
        endpointId,
        endpoint: redactEndpoint(url),
        state: refusal ? "cancelled" : "pending",
        reason: refusal ?? null,
        attemptCount: 0,
        scheduledAttempts: 0,
        manualAttempts: 0,
        nextAttemptAt: refusal ? null : now,
        lastStatusCode: null,
        lastError: null,
        createdAt: now,
        updatedAt: now,
        expireAt: now + DELIVERY_LOG_TTL_MS,
        payloadExpiresAt: heldUntil,
      };
      if (refusal || heldUntil === null) return { record };
      const payload = JSON.stringify({
        url,
        eventId: event.eventId,
        eventType: event.eventType,
        ...(event.logged ? {} : { body: event.body }),
      });
      const envelope = await encrypt(deps.keyRing, payload, payloadContext(deliveryId));
      return { record, payload: { envelope, expireAt: heldUntil } };
    }),
  );
  const stored = await deps.deliveries.createMany(prepared);
  // A logged event's body stays in the log while its delivery may still be attempted.
  const stream = streamKeyOf(accountId, instanceId);
  const holds = unique.flatMap((event, index) => {
    const payload = prepared[index]!.payload;
    return event.logged && payload ? [{ eventId: event.eventId, until: payload.expireAt }] : [];
  });
  await forEachLimited(holds, ENQUEUE_CONCURRENCY, ({ eventId, until }) =>
    deps.eventLog.hold(stream, eventId, until),
  );
  const firstAttempts = stored.filter(
    (record, index) =>
      prepared[index]!.payload !== undefined && record.state === "pending" && record.scheduledAttempts === 0,
  );
  await forEachLimited(firstAttempts, ENQUEUE_CONCURRENCY, (record) => {
    const task = {
      v: 1 as const,
      accountId,
      instanceId,
      deliveryId: record.deliveryId,
      trigger: "scheduled" as const,
      seq: 1,
      dueAt: now,
    };
    return deps.tasks.enqueue(task, { id: taskIdFor(task), delaySeconds: 0 });
  });
  return stored;
}
