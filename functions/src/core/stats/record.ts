import type { EventEnvelope } from "@wsapi/contracts/events";
import type { Clock } from "../ports/clock.js";
import type { StatsStore } from "../ports/stats.js";
import type { AttemptRecord, DeliveryRef } from "../webhooks/delivery.js";
import { type CounterDelta, hourOf, latencyBucket, shardOf } from "./counters.js";

// Where the counters come from: event ingest (messages in, and out when the account sent them from
// another device), the gateway (messages sent through the API) and the webhook worker (attempt
// outcomes and latency). One write per ingest batch and hour, per API send, per attempt. Counting is
// best effort: a failed write is reported and never fails the ingest, the send or the delivery.
export interface StatsRecorder {
  store: StatsStore;
  clock: Clock;
  /** A counter write failed (logged by the caller's composition). */
  failed(error: unknown): void;
}

interface Owner {
  accountId: string;
  instanceId: string;
}

async function add(recorder: StatsRecorder, owner: Owner, at: number, shardKey: string, delta: CounterDelta) {
  try {
    await recorder.store.add(owner.accountId, owner.instanceId, hourOf(at), shardOf(shardKey), delta);
  } catch (error) {
    recorder.failed(error);
  }
}

const EVENT_ID_TIME = /^evt_(\d{13})_/;

/** When the instance received an event: the time in its id (evt_<unix-ms>_…), else `receivedAt`. */
export function eventTime(event: { eventId: string; receivedAt?: string }): number | undefined {
  const fromId = EVENT_ID_TIME.exec(event.eventId);
  if (fromId) return Number(fromId[1]);
  const parsed = event.receivedAt ? Date.parse(event.receivedAt) : Number.NaN;
  return Number.isNaN(parsed) ? undefined : parsed;
}

/** In or out for a `message` event; undefined for other events and status updates. */
export function messageDirection(event: EventEnvelope): "messagesIn" | "messagesOut" | undefined {
  if (event.eventType !== "message" || event.eventData.isStatus) return undefined;
  return event.eventData.sender?.isMe ? "messagesOut" : "messagesIn";
}

/** Counts the `message` events of one ingested batch, by the hour the instance received them. */
export async function countIngested(
  recorder: StatsRecorder | undefined,
  owner: Owner,
  events: EventEnvelope[],
) {
  if (!recorder) return;
  const now = recorder.clock.now();
  const hours = new Map<number, { delta: CounterDelta; shardKey: string }>();
  for (const event of events) {
    const direction = messageDirection(event);
    if (!direction) continue;
    const hour = hourOf(Math.min(eventTime(event) ?? now, now));
    const entry = hours.get(hour) ?? { delta: {}, shardKey: event.eventId };
    entry.delta[direction] = (entry.delta[direction] ?? 0) + 1;
    hours.set(hour, entry);
  }
  await Promise.all(
    [...hours].map(([hour, { delta, shardKey }]) => add(recorder, owner, hour, shardKey, delta)),
  );
}

/** One message the instance accepted from an API send (`key`: the request id, for the shard). */
export async function countSent(recorder: StatsRecorder | undefined, owner: Owner, key: string) {
  if (!recorder) return;
  await add(recorder, owner, recorder.clock.now(), key, { messagesOut: 1 });
}

/**
 * One recorded webhook attempt: a success adds its latency, from the event's arrival at the
 * instance to now (the attempt's answer was just recorded).
 */
export async function countAttempt(
  recorder: StatsRecorder | undefined,
  delivery: DeliveryRef & { eventId: string; createdAt: number },
  attempt: Pick<AttemptRecord, "succeeded">,
) {
  if (!recorder) return;
  const now = recorder.clock.now();
  const delta: CounterDelta = attempt.succeeded
    ? {
        webhooksSucceeded: 1,
        latency: { [latencyBucket(now - (eventTime(delivery) ?? delivery.createdAt))]: 1 },
      }
    : { webhooksFailed: 1 };
  await add(recorder, delivery, now, delivery.deliveryId, delta);
}
