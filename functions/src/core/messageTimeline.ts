import { createHash } from "node:crypto";
import type { EventEnvelope } from "@wsapi/contracts/events";
import type { MessageStageReport, MessageTimeline } from "@wsapi/contracts/message-timeline";
import { MessageId, SEND_STAGES } from "@wsapi/contracts/message-timeline";
import type { Instance } from "./instances.js";
import type { Clock } from "./ports/clock.js";
import type {
  MessageTimelineStore,
  RecordedStage,
  TimelineKey,
  TimelineRecord,
  WebhookStage,
} from "./ports/messageTimeline.js";
import { DELIVERY_LOG_TTL_MS } from "./webhooks/delivery.js";

// A message's way from the API to the customer's webhook, from metadata only: the instance reports
// its send-side stages, `message_read` receipts give delivered and read, the webhook worker the last
// delivery of an event naming the message. Each stage keeps the first time it was reached (the
// webhook stage the latest delivery); a timeline is kept as long as the delivery log, counted from
// its last change.
export interface TimelineDeps {
  timelines: MessageTimelineStore;
  clock: Clock;
}

/** Receipts that say what the recipient did with a message this instance sent. */
const RECEIPT_STAGES: Record<string, RecordedStage | undefined> = {
  delivered: "delivered",
  read: "read",
  played: "read",
};

/** A receipt or a webhook names at most this many messages in the timeline (a chat read at once). */
export const MAX_MESSAGES_PER_EVENT = 100;
/** Stage times ahead of the control plane's clock by more than this are clamped to it. */
const MAX_CLOCK_SKEW_MS = 5 * 60_000;

/** The document id: the message id is WhatsApp's, unique per sender, so it is scoped to the instance. */
export function timelineIdOf(key: TimelineKey): string {
  return createHash("sha256")
    .update(`timeline\n${key.accountId}\n${key.instanceId}\n${key.messageId}`)
    .digest("hex")
    .slice(0, 40);
}

const keyOf = (instance: Pick<Instance, "accountId" | "instanceId">, messageId: string): TimelineKey => ({
  accountId: instance.accountId,
  instanceId: instance.instanceId,
  messageId,
});

function withChange(
  key: TimelineKey,
  now: number,
  current: TimelineRecord | undefined,
  patch: (record: TimelineRecord) => TimelineRecord,
): TimelineRecord {
  const base = current ?? { ...key, stages: {}, updatedAt: now, expireAt: now };
  return { ...patch(base), updatedAt: now, expireAt: now + DELIVERY_LOG_TTL_MS };
}

async function recordStage(deps: TimelineDeps, key: TimelineKey, stage: RecordedStage, at: number) {
  const now = deps.clock.now();
  await deps.timelines.update(key, (current) =>
    withChange(key, now, current, (record) => {
      const first = record.stages[stage];
      if (first !== undefined && first <= at) return record;
      return { ...record, stages: { ...record.stages, [stage]: at } };
    }),
  );
}

function parseTime(value: string, now: number): number | undefined {
  const at = Date.parse(value);
  if (!Number.isFinite(at)) return undefined;
  return Math.min(at, now + MAX_CLOCK_SKEW_MS);
}

/** The send-side stages an instance reports (POST /v1/message-stages). */
export async function recordSendStages(
  deps: TimelineDeps,
  instance: Instance,
  reports: MessageStageReport[],
) {
  const now = deps.clock.now();
  await Promise.all(
    reports.map(async (report) => {
      const at = parseTime(report.at, now);
      if (at === undefined || !SEND_STAGES.includes(report.stage)) return;
      await recordStage(deps, keyOf(instance, report.messageId), report.stage, at);
    }),
  );
}

const OWN_ID_EVENTS = new Set(["message", "message_delete", "message_star"]);

/** The messages an event names: its own id, or a receipt's message ids (deduplicated, capped). */
export function messageIdsOf(event: { eventType?: unknown; eventData?: unknown }): string[] {
  const data = (event.eventData ?? {}) as { id?: unknown; messageIds?: unknown };
  let ids: unknown[] = [];
  if (OWN_ID_EVENTS.has(String(event.eventType))) ids = [data.id];
  else if (event.eventType === "message_read" && Array.isArray(data.messageIds)) ids = data.messageIds;
  return [...new Set(ids)]
    .filter((id): id is string => MessageId.safeParse(id).success)
    .slice(0, MAX_MESSAGES_PER_EVENT);
}

/**
 * Delivered and read from the receipts of an ingested batch, at the time the instance received them
 * (the clock its send-side stages use, so the stages of one message compare).
 */
export async function recordReceipts(deps: TimelineDeps, instance: Instance, events: EventEnvelope[]) {
  const now = deps.clock.now();
  const writes: Promise<void>[] = [];
  for (const event of events) {
    if (event.eventType !== "message_read" || event.eventData.sender.isMe) continue;
    const stage = RECEIPT_STAGES[event.eventData.receiptType];
    const at = parseTime(event.receivedAt, now);
    if (!stage || at === undefined) continue;
    for (const messageId of messageIdsOf(event)) {
      writes.push(recordStage(deps, keyOf(instance, messageId), stage, at));
    }
  }
  await Promise.all(writes);
}

/** After a delivery succeeded: the webhook stage of each message its event names (the latest one wins). */
export async function recordWebhookDelivered(
  deps: TimelineDeps,
  delivery: { accountId: string; instanceId: string; eventId: string; attemptCount: number },
  body: string,
) {
  let event: { eventType?: unknown; eventData?: unknown };
  try {
    event = JSON.parse(body) ?? {};
  } catch {
    return;
  }
  const now = deps.clock.now();
  const webhook: WebhookStage = {
    deliveredAt: now,
    attempts: delivery.attemptCount,
    eventId: delivery.eventId,
    eventType: String(event.eventType),
  };
  await Promise.all(
    messageIdsOf(event).map((messageId) => {
      const key = keyOf(delivery, messageId);
      return deps.timelines.update(key, (current) =>
        withChange(key, now, current, (record) =>
          record.webhook && record.webhook.deliveredAt > now ? record : { ...record, webhook },
        ),
      );
    }),
  );
}

const iso = (ms: number) => new Date(ms).toISOString();

/** The API answer: the stages reached, in their order, each with its time. */
export function timelineView(record: TimelineRecord): MessageTimeline {
  const stages: MessageTimeline["stages"] = [];
  for (const stage of [...SEND_STAGES, "delivered", "read"] as const) {
    const at = record.stages[stage];
    if (at !== undefined) stages.push({ stage, at: iso(at) });
  }
  if (record.webhook) {
    const { deliveredAt, attempts, eventId, eventType } = record.webhook;
    stages.push({ stage: "webhookDelivered", at: iso(deliveredAt), attempts, eventId, eventType });
  }
  return { messageId: record.messageId, stages };
}

/** GET /messages/{id}/timeline for one instance; undefined = no such message (or not this tenant's). */
export async function readTimeline(
  timelines: MessageTimelineStore,
  instance: Pick<Instance, "accountId" | "instanceId">,
  messageId: string,
): Promise<MessageTimeline | undefined> {
  if (!MessageId.safeParse(messageId).success) return undefined;
  const record = await timelines.get(keyOf(instance, messageId));
  return record ? timelineView(record) : undefined;
}
