// Append-only, encrypted spool of undelivered events, so a restart loses nothing. Events carry
// message content, so every record is sealed with AES-256-GCM under a key derived from the
// instance secret; nothing readable ever reaches the disk.

import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from "node:crypto";
import {
  appendFileSync,
  closeSync,
  existsSync,
  fsyncSync,
  openSync,
  readFileSync,
  renameSync,
  writeSync,
} from "node:fs";
import { EventEnvelope } from "@wsapi/contracts/events";
import { z } from "zod";

const KEY_VERSION = "v1";
const IV_BYTES = 12;
const TAG_BYTES = 16;

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
  return Buffer.from(
    hkdfSync("sha256", instanceSecret, `wsapi-instance:${instanceId}`, "wsapi-event-spool-v1", 32),
  );
}

export class EventSpool {
  private readonly aad: Buffer;
  bytesWritten = 0;

  constructor(
    readonly path: string,
    private readonly key: Buffer,
    instanceId: string,
  ) {
    // Binds ciphertexts to this instance: another instance's spool cannot be replayed here.
    this.aad = Buffer.from(`wsapi-spool:${instanceId}`);
  }

  load(): SpoolContents {
    if (!existsSync(this.path)) return { pending: [], seenKeys: [], unreadable: 0 };
    const pending = new Map<string, SpooledEvent>();
    const seen = new Set<string>();
    let unreadable = 0;
    for (const line of readFileSync(this.path, "utf8").split("\n")) {
      if (line === "") continue;
      const record = this.open(line);
      if (!record) {
        unreadable += 1;
        continue;
      }
      if (record.t === "event")
        pending.set(record.envelope.eventId, { envelope: record.envelope, key: record.key });
      else if (record.t === "ack") for (const id of record.eventIds) pending.delete(id);
      else for (const key of record.keys) seen.add(key);
    }
    for (const { key } of pending.values()) if (key) seen.add(key);
    return { pending: [...pending.values()], seenKeys: [...seen], unreadable };
  }

  appendEvents(events: SpooledEvent[]): void {
    this.append(events.map(({ envelope, key }) => ({ t: "event", envelope, ...(key ? { key } : {}) })));
  }

  appendAck(eventIds: string[]): void {
    this.append([{ t: "ack", eventIds }]);
  }

  /** Replaces the file with only what still matters; written aside, then renamed, so a crash keeps one whole copy. */
  rewrite(pending: SpooledEvent[], seenKeys: string[]): void {
    const records: SpoolRecord[] = [{ t: "seen", keys: seenKeys }];
    for (const { envelope, key } of pending) records.push({ t: "event", envelope, ...(key ? { key } : {}) });
    const temp = `${this.path}.tmp`;
    const fd = openSync(temp, "w", 0o600);
    try {
      writeSync(fd, records.map((record) => `${this.seal(record)}\n`).join(""));
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, this.path);
    this.bytesWritten = 0;
  }

  private append(records: SpoolRecord[]): void {
    const text = records.map((record) => `${this.seal(record)}\n`).join("");
    // Synchronous on purpose: once publish() returns, a crash of this process cannot lose the event.
    appendFileSync(this.path, text, { mode: 0o600 });
    this.bytesWritten += text.length;
  }

  private seal(record: SpoolRecord): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv("aes-256-gcm", this.key, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(this.aad);
    const body = Buffer.concat([cipher.update(JSON.stringify(record), "utf8"), cipher.final()]);
    return `${KEY_VERSION}.${Buffer.concat([iv, body, cipher.getAuthTag()]).toString("base64url")}`;
  }

  private open(line: string): SpoolRecord | undefined {
    const [version, payload] = line.split(".", 2);
    if (version !== KEY_VERSION || !payload) return undefined;
    const raw = Buffer.from(payload, "base64url");
    if (raw.length < IV_BYTES + TAG_BYTES) return undefined;
    try {
      const decipher = createDecipheriv("aes-256-gcm", this.key, raw.subarray(0, IV_BYTES), {
        authTagLength: TAG_BYTES,
      });
      decipher.setAAD(this.aad);
      decipher.setAuthTag(raw.subarray(raw.length - TAG_BYTES));
      const plain = Buffer.concat([
        decipher.update(raw.subarray(IV_BYTES, raw.length - TAG_BYTES)),
        decipher.final(),
      ]);
      const parsed = SpoolRecord.safeParse(JSON.parse(plain.toString("utf8")));
      return parsed.success ? parsed.data : undefined;
    } catch {
      return undefined;
    }
  }
}
