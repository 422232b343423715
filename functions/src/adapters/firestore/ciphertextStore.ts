import type { Firestore } from "firebase-admin/firestore";
import type { CiphertextStore } from "../../core/ports/keyRing.js";

const PAGE_SIZE = 200;

export function firestoreCiphertextStore(db: Firestore): CiphertextStore {
  return {
    async *list(collection, field) {
      let query = db.collection(collection).orderBy("__name__").limit(PAGE_SIZE);
      for (;;) {
        const page = await query.get();
        for (const doc of page.docs) {
          const envelope = doc.get(field);
          if (typeof envelope === "string") yield { docId: doc.id, envelope };
        }
        if (page.size < PAGE_SIZE) return;
        query = query.startAfter(page.docs[page.docs.length - 1]!);
      }
    },
    async replace(collection, docId, field, expected, next) {
      const ref = db.collection(collection).doc(docId);
      return db.runTransaction(async (tx) => {
        const snapshot = await tx.get(ref);
        if (snapshot.get(field) !== expected) return false;
        tx.update(ref, { [field]: next });
        return true;
      });
    },
  };
}
