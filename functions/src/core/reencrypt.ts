import { decrypt, encrypt, envelopeKeyVersion } from "./aead.js";
import type { CiphertextStore, KeyRing } from "./ports/keyRing.js";

/** Every encrypted field in the system, so one job can move all of them to the current key. */
export interface EncryptedField {
  collection: string;
  field: string;
}

/** Re-encrypts ciphertexts written under older key versions; returns how many moved. */
export async function reencryptField(keyRing: KeyRing, store: CiphertextStore, target: EncryptedField) {
  const { version: currentVersion } = await keyRing.current();
  let moved = 0;
  for await (const { docId, envelope } of store.list(target.collection, target.field)) {
    if (envelopeKeyVersion(envelope) === currentVersion) continue;
    const context = { collection: target.collection, docId, field: target.field };
    const plaintext = await decrypt(keyRing, envelope, context);
    const next = await encrypt(keyRing, plaintext, context);
    if (await store.replace(target.collection, docId, target.field, envelope, next)) moved++;
  }
  return moved;
}
