import { createHash } from "node:crypto";
import type { EventEnvelope } from "@wsapi/contracts/events";
import { decryptText, encrypt } from "./aead.js";
import type { Instance } from "./instances.js";
import type { Clock } from "./ports/clock.js";
import type { EventLogEntry, EventLogStore } from "./ports/eventLog.js";
import type { KeyRing } from "./ports/keyRing.js";

// Every deliverable event of an instance is logged once, encrypted, in ingest order: the event
// stream replays it after a Last-Event-ID, and webhook attempts read its body from here, so message
// content exists in one place. An entry lives for the retention, longer while a delivery needs it.
export interface EventLogDeps {
  log: EventLogStore;
  keyRing: KeyRing;
  clock: Clock;
  retentionMs: number;
}

/** The longest retention a deployment may set (config refuses more): within the webhook retry window. */
export const MAX_EVENT_RETENTION_MS = 72 * 3600_000;

const EVENT_ID = /^evt_\d{1,15}_[0-9a-f]{16}$/;

export const isEventId = (value: string) => EVENT_ID.test(value);

export function streamKeyOf(accountId: string, instanceId: string): string {
  return createHash("sha256").update(`eventlog\n${accountId}\n${instanceId}`).digest("hex").slice(0, 32);
}

export const entryIdOf = (stream: string, eventId: string) => `${stream}_${eventId}`;

const envelopeContext = (stream: string, eventId: string) => ({
  collection: "eventLog",
  docId: entryIdOf(stream, eventId),
  field: "envelope",
});

/** The webhook body of an event: the envelope JSON, byte for byte what is signed and streamed. */
export const eventBody = (event: EventEnvelope) => JSON.stringify(event);

/**
 * Logs a batch in order. Positions continue after the stream's last one even if this function's
 * clock is behind the one that logged it (an instance sends its batches one after another).
 */
export async function appendEvents(deps: EventLogDeps, instance: Instance, events: EventEnvelope[]) {
  if (events.length === 0) return;
  const stream = streamKeyOf(instance.accountId, instance.instanceId);
  const now = deps.clock.now();
  const first = Math.max(now * 1000, (await deps.log.lastSeq(stream)) + 1);
  const retainUntil = now + deps.retentionMs;
  const entries: EventLogEntry[] = await Promise.all(
    events.map(async (event, index) => ({
      accountId: instance.accountId,
      instanceId: instance.instanceId,
      stream,
      eventId: event.eventId,
      eventType: event.eventType,
      seq: first + index,
      loggedAt: now,
      retainUntil,
      expireAt: retainUntil,
      envelope: await encrypt(deps.keyRing, eventBody(event), envelopeContext(stream, event.eventId)),
    })),
  );
  await deps.log.append(entries);
}

/** The logged body of an event, or undefined when it is no longer held (or was never logged). */
export async function loggedBody(
  deps: Pick<EventLogDeps, "log" | "keyRing" | "clock">,
  stream: string,
  eventId: string,
): Promise<string | undefined> {
  const entry = await deps.log.get(stream, eventId);
  if (!entry || entry.expireAt <= deps.clock.now()) return undefined;
  return decryptText(deps.keyRing, entry.envelope, envelopeContext(stream, eventId));
}

export interface StreamedEvent {
  eventId: string;
  eventType: string;
  /** The webhook envelope JSON. */
  data: string;
}

/**
 * Where a stream starts. No Last-Event-ID: after the newest logged event (live only). A known one:
 * right after it. One the log no longer holds (expired, or never this instance's): from the oldest
 * event still held, so nothing retained is skipped (`replayAll`).
 */
export async function streamStart(deps: Pick<EventLogDeps, "log">, stream: string, lastEventId?: string) {
  if (lastEventId === undefined) return { afterSeq: await deps.log.lastSeq(stream), replayAll: false };
  const entry = isEventId(lastEventId) ? await deps.log.get(stream, lastEventId) : undefined;
  return entry ? { afterSeq: entry.seq, replayAll: false } : { afterSeq: 0, replayAll: true };
}

/**
 * The events after `afterSeq` that are still held, decrypted, in order, and the position to read on
 * from (past expired entries too, or the stream would read them again forever).
 */
export async function nextEvents(
  deps: Pick<EventLogDeps, "log" | "keyRing" | "clock">,
  stream: string,
  afterSeq: number,
  limit: number,
): Promise<{ events: StreamedEvent[]; afterSeq: number; more: boolean }> {
  const now = deps.clock.now();
  const entries = await deps.log.after(stream, afterSeq, limit);
  const events: StreamedEvent[] = [];
  for (const entry of entries) {
    if (entry.expireAt <= now) continue;
    const data = await decryptText(deps.keyRing, entry.envelope, envelopeContext(stream, entry.eventId));
    events.push({ eventId: entry.eventId, eventType: entry.eventType, data });
  }
  return { events, afterSeq: entries.at(-1)?.seq ?? afterSeq, more: entries.length === limit };
}

/** One Server-Sent Events message (the envelope JSON has no newline). */
export function sseMessage(event: StreamedEvent): string {
  return `id: ${event.eventId}\nevent: ${event.eventType}\ndata: ${event.data}\n\n`;
}
