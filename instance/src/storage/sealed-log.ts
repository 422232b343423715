// An append-only file of records, each sealed with AES-256-GCM under a key derived from the
// instance secret and bound to one purpose and instance as additional data: nothing readable ever
// reaches the disk, and a record cannot be moved into another file or instance. The event spool and
// the send queue both keep their state in one.

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
import type { z } from "zod";

const KEY_VERSION = "v1";
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** A 32-byte key for one purpose (`info`), derived from the instance secret with HKDF-SHA256. */
export function deriveLogKey(instanceSecret: Uint8Array, instanceId: string, info: string): Buffer {
  return Buffer.from(hkdfSync("sha256", instanceSecret, `wsapi-instance:${instanceId}`, info, 32));
}

export class SealedLog<R> {
  private readonly aad: Buffer;
  bytesWritten = 0;

  /** `aad` binds every record to this file's purpose and instance. */
  constructor(
    readonly path: string,
    private readonly key: Buffer,
    aad: string,
    private readonly schema: z.ZodType<R>,
  ) {
    this.aad = Buffer.from(aad);
  }

  /** Every readable record in order; records that do not open or parse are counted, not returned. */
  read(): { records: R[]; unreadable: number } {
    if (!existsSync(this.path)) return { records: [], unreadable: 0 };
    const records: R[] = [];
    let unreadable = 0;
    for (const line of readFileSync(this.path, "utf8").split("\n")) {
      if (line === "") continue;
      const record = this.open(line);
      if (record === undefined) unreadable += 1;
      else records.push(record);
    }
    return { records, unreadable };
  }

  append(records: R[]): void {
    const text = records.map((record) => `${this.seal(record)}\n`).join("");
    // Synchronous on purpose: once append() returns, a crash of this process cannot lose the record.
    appendFileSync(this.path, text, { mode: 0o600 });
    this.bytesWritten += text.length;
  }

  /** Replaces the file with these records; written aside, then renamed, so a crash keeps one whole copy. */
  rewrite(records: R[]): void {
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

  private seal(record: R): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv("aes-256-gcm", this.key, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(this.aad);
    const body = Buffer.concat([cipher.update(JSON.stringify(record), "utf8"), cipher.final()]);
    return `${KEY_VERSION}.${Buffer.concat([iv, body, cipher.getAuthTag()]).toString("base64url")}`;
  }

  private open(line: string): R | undefined {
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
      const parsed = this.schema.safeParse(JSON.parse(plain.toString("utf8")));
      return parsed.success ? parsed.data : undefined;
    } catch {
      return undefined;
    }
  }
}
