// The send queue's state on disk: every accepted paced send (content included, so a restart loses
// nothing), every settled one, and the new-contact window. Records are sealed like the event spool's
// (storage/sealed-log.ts), under a key of their own.
import { MEDIA_KINDS } from "@wsapi/contracts/instance-api";
import { z } from "zod";
import { deriveLogKey, SealedLog } from "../storage/sealed-log.js";
import type { OutgoingMessage, SendOptions } from "../transport/port.js";

/** An outgoing message with its bytes as base64, as the record stores it. */
const StoredMessage = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("text"), text: z.string() }),
  z.object({
    kind: z.literal("media"),
    mediaType: z.enum(MEDIA_KINDS),
    bytes: z.string(),
    mimeType: z.string(),
    caption: z.string().optional(),
    filename: z.string().optional(),
    viewOnce: z.boolean().optional(),
    isAnimated: z.boolean().optional(),
  }),
  z.object({ kind: z.literal("contact"), displayName: z.string(), vcard: z.string() }),
  z.object({
    kind: z.literal("location"),
    latitude: z.number(),
    longitude: z.number(),
    name: z.string().optional(),
    address: z.string().optional(),
    url: z.string().optional(),
  }),
  z.object({
    kind: z.literal("link"),
    text: z.string(),
    url: z.string(),
    title: z.string().optional(),
    description: z.string().optional(),
    jpegThumbnail: z.string().optional(),
  }),
]);

const StoredOptions = z.object({
  mentions: z.array(z.string()).optional(),
  replyTo: z.string().optional(),
  replyToSenderId: z.string().optional(),
  isForwarded: z.boolean().optional(),
  ephemeralExpiration: z.enum(["off", "24h", "7d", "90d"]).optional(),
});

/** The part of the pacing that shapes one message's sending, fixed when it was accepted. */
export const MessagePacing = z.object({
  minGapMs: z.number().int().min(0),
  jitterMs: z.number().int().min(0),
  typingIndicator: z.boolean(),
});
export type MessagePacing = z.infer<typeof MessagePacing>;

const SendRecord = z.discriminatedUnion("t", [
  z.object({
    t: z.literal("send"),
    id: z.string(),
    to: z.string(),
    message: StoredMessage,
    options: StoredOptions,
    pacing: MessagePacing,
    acceptedAt: z.number(),
  }),
  z.object({
    t: z.literal("done"),
    ids: z.array(z.string()),
    outcome: z.enum(["sent", "cancelled", "failed"]),
    at: z.number(),
  }),
  z.object({ t: z.literal("contact"), jid: z.string(), at: z.number() }),
]);
type SendRecord = z.infer<typeof SendRecord>;

export interface QueuedSend {
  id: string;
  to: string;
  message: OutgoingMessage;
  options: SendOptions;
  pacing: MessagePacing;
  acceptedAt: number;
}

export interface SendSpoolContents {
  pending: QueuedSend[];
  /** When the last message went out, if the spool remembers one. */
  lastSentAt: number | undefined;
  /** First messages to new contacts: contact → when. */
  newContacts: Map<string, number>;
  unreadable: number;
}

export function deriveSendSpoolKey(instanceSecret: Uint8Array, instanceId: string): Buffer {
  return deriveLogKey(instanceSecret, instanceId, "wsapi-send-spool-v1");
}

export class SendSpool {
  private readonly log: SealedLog<SendRecord>;

  constructor(path: string, key: Buffer, instanceId: string) {
    this.log = new SealedLog(path, key, `wsapi-send-spool:${instanceId}`, SendRecord);
  }

  get bytesWritten(): number {
    return this.log.bytesWritten;
  }

  load(): SendSpoolContents {
    const { records, unreadable } = this.log.read();
    const pending = new Map<string, QueuedSend>();
    const newContacts = new Map<string, number>();
    let lastSentAt: number | undefined;
    for (const record of records) {
      if (record.t === "send") pending.set(record.id, fromRecord(record));
      else if (record.t === "contact") newContacts.set(record.jid, record.at);
      else {
        for (const id of record.ids) pending.delete(id);
        if (record.outcome === "sent") lastSentAt = Math.max(lastSentAt ?? 0, record.at);
      }
    }
    return { pending: [...pending.values()], lastSentAt, newContacts, unreadable };
  }

  appendSend(send: QueuedSend): void {
    this.log.append([toRecord(send)]);
  }

  appendDone(ids: string[], outcome: "sent" | "cancelled" | "failed", at: number): void {
    this.log.append([{ t: "done", ids, outcome, at }]);
  }

  appendContact(jid: string, at: number): void {
    this.log.append([{ t: "contact", jid, at }]);
  }

  /** Keeps only what still matters: the pending sends, the contact window and the last send time. */
  rewrite(contents: Omit<SendSpoolContents, "unreadable">): void {
    const records: SendRecord[] = [];
    if (contents.lastSentAt !== undefined)
      records.push({ t: "done", ids: [], outcome: "sent", at: contents.lastSentAt });
    for (const [jid, at] of contents.newContacts) records.push({ t: "contact", jid, at });
    for (const send of contents.pending) records.push(toRecord(send));
    this.log.rewrite(records);
  }
}

function toRecord(send: QueuedSend): SendRecord {
  const { message } = send;
  const stored =
    message.kind === "media"
      ? { ...message, bytes: message.bytes.toString("base64") }
      : message.kind === "link"
        ? { ...message, jpegThumbnail: message.jpegThumbnail?.toString("base64") }
        : message;
  return { t: "send", ...send, message: stored };
}

function fromRecord(record: Extract<SendRecord, { t: "send" }>): QueuedSend {
  const { t: _type, message, ...send } = record;
  const restored: OutgoingMessage =
    message.kind === "media"
      ? { ...message, bytes: Buffer.from(message.bytes, "base64") }
      : message.kind === "link"
        ? {
            ...message,
            jpegThumbnail:
              message.jpegThumbnail === undefined ? undefined : Buffer.from(message.jpegThumbnail, "base64"),
          }
        : message;
  return { ...send, message: restored };
}
