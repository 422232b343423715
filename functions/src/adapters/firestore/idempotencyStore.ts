import type { Firestore } from "firebase-admin/firestore";
import { IDEMPOTENCY_KEYS } from "../../core/idempotency.js";
import type { IdempotencyRecord, IdempotencyStore } from "../../core/ports/idempotency.js";

// idempotencyKeys/{id}: one claim per instance and Idempotency-Key (digests, times, status and an
// encrypted answer body), deleted by the TTL policy on expireAt.
const ALREADY_EXISTS = 6;

export function firestoreIdempotencyStore(db: Firestore): IdempotencyStore {
  const keys = db.collection(IDEMPOTENCY_KEYS);
  const read = (data: FirebaseFirestore.DocumentData | undefined): IdempotencyRecord | undefined =>
    data
      ? ({ ...data, expireAt: data.expireAt?.toDate?.() ?? data.expireAt } as IdempotencyRecord)
      : undefined;
  return {
    async claim(id, record, staleBefore) {
      // create() is one precondition write (fails if the document exists): the common race, two
      // identical requests at once, is decided by Firestore without a transaction.
      try {
        await keys.doc(id).create(record);
        return undefined;
      } catch (error) {
        if ((error as { code?: number }).code !== ALREADY_EXISTS) throw error;
      }
      return db.runTransaction(async (tx) => {
        const existing = read((await tx.get(keys.doc(id))).data());
        // An answered record is never stale: it replays until its TTL deletes it.
        if (existing && (existing.status !== undefined || existing.claimedAt >= staleBefore)) return existing;
        tx.set(keys.doc(id), record);
        return undefined;
      });
    },
    async get(id) {
      return read((await keys.doc(id).get()).data());
    },
    async complete(id, answer) {
      await keys.doc(id).update(answer);
    },
    async release(id) {
      await keys.doc(id).delete();
    },
  };
}
