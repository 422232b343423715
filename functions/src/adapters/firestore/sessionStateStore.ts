import type { Firestore } from "firebase-admin/firestore";
import { decryptText, encrypt } from "../../core/aead.js";
import type { KeyRing } from "../../core/ports/keyRing.js";

// sessionStates/{runtimeId}: an instance's WhatsApp credentials, only ever as AES-GCM ciphertext.
export const SESSION_STATE_FIELD = { collection: "sessionStates", field: "state" } as const;

export function firestoreSessionStateStore(db: Firestore, keyRing: KeyRing) {
  const states = db.collection(SESSION_STATE_FIELD.collection);
  const context = (runtimeId: string) => ({ ...SESSION_STATE_FIELD, docId: runtimeId });
  return {
    async get(runtimeId: string) {
      const snapshot = await states.doc(runtimeId).get();
      const envelope = snapshot.get("state");
      return typeof envelope === "string" ? decryptText(keyRing, envelope, context(runtimeId)) : undefined;
    },
    async put(runtimeId: string, state: string) {
      await states.doc(runtimeId).set({ state: await encrypt(keyRing, state, context(runtimeId)) });
    },
  };
}
