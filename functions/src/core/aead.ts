import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import type { KeyRing } from "./ports/keyRing.js";

// Envelope: "v1.<keyVersion>.<iv>.<ciphertext>.<tag>" (base64url parts).
// AAD binds the ciphertext to collection/doc/field so it cannot be moved to another document.
const IV_BYTES = 12;
const TAG_BYTES = 16;
const ENVELOPE = /^v1\.(\d{1,9})\.([A-Za-z0-9_-]{16})\.([A-Za-z0-9_-]*)\.([A-Za-z0-9_-]{22})$/;

interface AeadContext {
  collection: string;
  docId: string;
  field: string;
}

export class DecryptionError extends Error {
  constructor(reason: string) {
    super(`ciphertext refused: ${reason}`);
    this.name = "DecryptionError";
  }
}

function aad(context: AeadContext): Buffer {
  return Buffer.from(`${context.collection}/${context.docId}#${context.field}`, "utf8");
}

export async function encrypt(keyRing: KeyRing, plaintext: Buffer | string, context: AeadContext) {
  const { version, key } = await keyRing.current();
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv("aes-256-gcm", key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(aad(context));
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  const parts = [iv, body, cipher.getAuthTag()].map((part) => part.toString("base64url"));
  return `v1.${version}.${parts.join(".")}`;
}

export async function decrypt(keyRing: KeyRing, envelope: string, context: AeadContext): Promise<Buffer> {
  const match = ENVELOPE.exec(envelope);
  if (!match) throw new DecryptionError("malformed envelope");
  const [, versionText, ivText, bodyText, tagText] = match;
  const key = await keyRing.get(Number(versionText));
  if (!key) throw new DecryptionError(`unknown key version ${versionText}`);
  const tag = Buffer.from(tagText!, "base64url");
  if (tag.length !== TAG_BYTES) throw new DecryptionError("bad tag length");
  const decipher = createDecipheriv("aes-256-gcm", key, Buffer.from(ivText!, "base64url"), {
    authTagLength: TAG_BYTES,
  });
  decipher.setAAD(aad(context));
  decipher.setAuthTag(tag);
  try {
    return Buffer.concat([decipher.update(Buffer.from(bodyText!, "base64url")), decipher.final()]);
  } catch {
    throw new DecryptionError("authentication failed");
  }
}

export function envelopeKeyVersion(envelope: string): number | undefined {
  const match = ENVELOPE.exec(envelope);
  return match ? Number(match[1]) : undefined;
}

export async function decryptText(keyRing: KeyRing, envelope: string, context: AeadContext) {
  return (await decrypt(keyRing, envelope, context)).toString("utf8");
}
