import { createHmac, randomBytes } from "node:crypto";

// Format: wsk_ + 32 base62 chars (~190 bits) + 6 base62 chars of CRC32 over the body.
// The checksum lets us refuse a malformed key before any lookup and lets scanners find leaks.
const PREFIX = "wsk_";
const BODY_LENGTH = 32;
const CHECKSUM_LENGTH = 6;
const ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
const KEY_PATTERN = new RegExp(`^${PREFIX}[0-9A-Za-z]{${BODY_LENGTH + CHECKSUM_LENGTH}}$`);

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

export function crc32(text: string): number {
  let crc = 0xffffffff;
  for (const byte of Buffer.from(text, "utf8")) crc = CRC_TABLE[(crc ^ byte) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

function toBase62(value: number, length: number): string {
  let out = "";
  let rest = value;
  for (let i = 0; i < length; i++) {
    out = ALPHABET[rest % 62] + out;
    rest = Math.floor(rest / 62);
  }
  return out;
}

function randomBase62(length: number): string {
  let out = "";
  while (out.length < length) {
    for (const byte of randomBytes(length * 2)) {
      // Rejection sampling keeps every character uniformly likely.
      if (byte < 248 && out.length < length) out += ALPHABET[byte % 62];
    }
  }
  return out;
}

export function generateApiKey(): string {
  const body = randomBase62(BODY_LENGTH);
  return `${PREFIX}${body}${toBase62(crc32(body), CHECKSUM_LENGTH)}`;
}

/** True when the key has our shape and its checksum matches: no lookup needed to refuse garbage. */
export function isWellFormedApiKey(candidate: string): boolean {
  if (!KEY_PATTERN.test(candidate)) return false;
  const body = candidate.slice(PREFIX.length, PREFIX.length + BODY_LENGTH);
  return candidate.slice(PREFIX.length + BODY_LENGTH) === toBase62(crc32(body), CHECKSUM_LENGTH);
}

/** Keyed digest used as the lookup id: useless to anyone without the pepper. */
export function apiKeyDigest(apiKey: string, pepper: Buffer): string {
  return createHmac("sha256", pepper).update(apiKey).digest("hex");
}

/** What the dashboard shows without revealing: enough to recognise a key. */
export function apiKeyPrefix(apiKey: string): string {
  return apiKey.slice(0, PREFIX.length + 6);
}
