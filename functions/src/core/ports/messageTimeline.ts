// Message timelines (core/messageTimeline.ts): one document per message an instance sent or was
// told about, metadata only, under its instance.
import type { SendStage } from "@wsapi/contracts/message-timeline";

export type RecordedStage = SendStage | "delivered" | "read";

export interface WebhookStage {
  deliveredAt: number;
  /** Attempts the delivery took (1 = first try). */
  attempts: number;
  eventId: string;
  eventType: string;
}

export interface TimelineRecord {
  accountId: string;
  instanceId: string;
  messageId: string;
  /** When each stage was first reached (ms). */
  stages: Partial<Record<RecordedStage, number>>;
  /** The latest webhook delivery of an event naming this message. */
  webhook?: WebhookStage;
  updatedAt: number;
  /** Firestore's TTL deletes the document after it: the delivery log's retention from the last change. */
  expireAt: number;
}

export interface TimelineKey {
  accountId: string;
  instanceId: string;
  messageId: string;
}

export interface MessageTimelineStore {
  get(key: TimelineKey): Promise<TimelineRecord | undefined>;
  /** Read-modify-write in one transaction; `change` gets undefined for a message not seen yet. */
  update(key: TimelineKey, change: (current: TimelineRecord | undefined) => TimelineRecord): Promise<void>;
  /** Deletes up to `limit` timelines of an instance; answers how many went (0 once none is left). */
  deleteInstance(accountId: string, instanceId: string, limit: number): Promise<number>;
}
