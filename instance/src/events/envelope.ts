import { randomBytes } from "node:crypto";
import type { EventEnvelope, WhatsAppEvent } from "@wsapi/contracts/events";

/** `evt_<unix-ms>_<16 hex>`: sortable by time, unguessable. */
export function newEventId(nowMs: number): string {
  return `evt_${nowMs}_${randomBytes(8).toString("hex")}`;
}

export function toEnvelope(instanceId: string, event: WhatsAppEvent, now: Date = new Date()): EventEnvelope {
  return {
    eventId: newEventId(now.getTime()),
    instanceId,
    eventType: event.eventType,
    receivedAt: now.toISOString(),
    eventData: event.eventData,
  } as EventEnvelope;
}

/**
 * Key under which an event counts as "the same WhatsApp fact": WhatsApp redelivers messages
 * (retries, reconnects), and each must reach the customer once. Undefined = never deduplicated.
 */
export function dedupeKey(event: WhatsAppEvent): string | undefined {
  switch (event.eventType) {
    case "message":
    case "message_delete":
      return `${event.eventType}|${event.eventData.chatId}|${event.eventData.id}`;
    case "message_read": {
      const { chatId, sender, receiptType, messageIds } = event.eventData;
      return `${event.eventType}|${chatId}|${sender.id}|${receiptType}|${(messageIds ?? []).join(",")}`;
    }
    case "call_offer":
      return `${event.eventType}|${event.eventData.id}`;
    default:
      return undefined;
  }
}
