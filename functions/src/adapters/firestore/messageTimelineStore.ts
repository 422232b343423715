import { type DocumentData, type Firestore, Timestamp } from "firebase-admin/firestore";
import { timelineIdOf } from "../../core/messageTimeline.js";
import type { MessageTimelineStore, TimelineRecord } from "../../core/ports/messageTimeline.js";

// accounts/{uid}/instances/{instanceId}/messageTimelines/{timelineIdOf(…)}: ids and times only,
// `expireAt` (a Timestamp) for Firestore's TTL policy; no client reads them (firestore.rules).
export const TIMELINES = "messageTimelines";

function recordOf(data: DocumentData): TimelineRecord {
  const expireAt = data.expireAt instanceof Timestamp ? data.expireAt.toMillis() : Number(data.expireAt);
  return { ...(data as TimelineRecord), expireAt };
}

export function firestoreMessageTimelineStore(db: Firestore): MessageTimelineStore {
  const timelines = (accountId: string, instanceId: string) =>
    db.collection("accounts").doc(accountId).collection("instances").doc(instanceId).collection(TIMELINES);

  return {
    async get(key) {
      const snapshot = await timelines(key.accountId, key.instanceId).doc(timelineIdOf(key)).get();
      return snapshot.exists ? recordOf(snapshot.data()!) : undefined;
    },

    async update(key, change) {
      const doc = timelines(key.accountId, key.instanceId).doc(timelineIdOf(key));
      await db.runTransaction(async (tx) => {
        const snapshot = await tx.get(doc);
        const next = change(snapshot.exists ? recordOf(snapshot.data()!) : undefined);
        tx.set(doc, { ...next, expireAt: Timestamp.fromMillis(next.expireAt) });
      });
    },

    async deleteInstance(accountId, instanceId, limit) {
      const page = await timelines(accountId, instanceId).limit(limit).get();
      if (page.size === 0) return 0;
      const batch = db.batch();
      for (const doc of page.docs) batch.delete(doc.ref);
      await batch.commit();
      return page.size;
    },
  };
}
