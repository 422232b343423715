// Append-only, encrypted spool of undelivered events, so a restart loses nothing. Events carry
// message content, so every record is sealed (storage/sealed-log.ts) under a key derived from the
// instance secret; nothing readable ever reaches the disk.

import { EventEnvelope } from "@wsapi/contracts/events";
import { z } from "zod";
import { deriveLogKey, SealedLog } from "../storage/sealed-log.js";

const SpoolRecord = z.discriminatedUnion("t", [
  z.object({ t: z.literal("event"), envelope: EventEnvelope, key: z.string().optional() }),
  z.object({ t: z.literal("ack"), eventIds: z.array(z.string()) }),
  z.object({ t: z.literal("seen"), keys: z.array(z.string()) }),
]);
type SpoolRecord = z.infer<typeof SpoolRecord>;

export interface SpooledEvent {
  envelope: EventEnvelope;
  key: string | undefined;
}

export interface SpoolContents {
  pending: SpooledEvent[];
  seenKeys: string[];
  unreadable: number;
}

export function deriveSpoolKey(instanceSecret: Uint8Array, instanceId: string): Buffer {
  return deriveLogKey(instanceSecret, instanceId, "wsapi-event-spool-v1");
}

export class EventSpool {
  private readonly log: SealedLog<SpoolRecord>;

  constructor(path: string, key: Buffer, instanceId: string) {
    // Binds ciphertexts to this instance: another instance's spool cannot be replayed here.
    this.log = new SealedLog(path, key, `wsapi-spool:${instanceId}`, SpoolRecord);
  }

  get path(): string {
    return this.log.path;
  }

  get bytesWritten(): number {
    return this.log.bytesWritten;
  }

  load(): SpoolContents {
    const { records, unreadable } = this.log.read();
    const pending = new Map<string, SpooledEvent>();
    const seen = new Set<string>();
    for (const record of records) {
      if (record.t === "event")
        pending.set(record.envelope.eventId, { envelope: record.envelope, key: record.key });
      else if (record.t === "ack") for (const id of record.eventIds) pending.delete(id);
      else for (const key of record.keys) seen.add(key);
    }
    for (const { key } of pending.values()) if (key) seen.add(key);
    return { pending: [...pending.values()], seenKeys: [...seen], unreadable };
  }

  appendEvents(events: SpooledEvent[]): void {
    this.log.append(events.map(({ envelope, key }) => ({ t: "event", envelope, ...(key ? { key } : {}) })));
  }

  appendAck(eventIds: string[]): void {
    this.log.append([{ t: "ack", eventIds }]);
  }

  /** Replaces the file with only what still matters. */
  rewrite(pending: SpooledEvent[], seenKeys: string[]): void {
    const records: SpoolRecord[] = [{ t: "seen", keys: seenKeys }];
    for (const { envelope, key } of pending) records.push({ t: "event", envelope, ...(key ? { key } : {}) });
    this.log.rewrite(records);
  }
}
