import { type DocumentData, type Firestore, Timestamp } from "firebase-admin/firestore";
import { entryIdOf } from "../../core/eventLog.js";
import type { EventLogEntry, EventLogStore } from "../../core/ports/eventLog.js";
import { updateIfExists } from "./updateIfExists.js";

// eventLog/{stream}_{eventId}: one encrypted event each, queried by (stream, seq) — the composite
// index in firestore.indexes.json — and deleted by the TTL policy on expireAt.
const COLLECTION = "eventLog";
const BATCH = 400;

const toMillis = (value: unknown) => (value instanceof Timestamp ? value.toMillis() : Number(value));

function entryOf(data: DocumentData): EventLogEntry {
  return { ...(data as EventLogEntry), expireAt: toMillis(data.expireAt) };
}

export function firestoreEventLogStore(db: Firestore): EventLogStore {
  const log = db.collection(COLLECTION);
  const doc = (stream: string, eventId: string) => log.doc(entryIdOf(stream, eventId));

  async function appendChunk(entries: EventLogEntry[]) {
    const snapshots = await db.getAll(...entries.map((entry) => doc(entry.stream, entry.eventId)));
    const batch = db.batch();
    let writes = 0;
    entries.forEach((entry, index) => {
      if (snapshots[index]!.exists) return;
      batch.create(doc(entry.stream, entry.eventId), {
        ...entry,
        expireAt: Timestamp.fromMillis(entry.expireAt),
      });
      writes++;
    });
    if (writes > 0) await batch.commit();
  }

  return {
    async lastSeq(stream) {
      const page = await log.where("stream", "==", stream).orderBy("seq", "desc").limit(1).get();
      return page.empty ? 0 : Number(page.docs[0]!.get("seq"));
    },

    async append(entries) {
      for (let start = 0; start < entries.length; start += BATCH) {
        await appendChunk(entries.slice(start, start + BATCH));
      }
    },

    async get(stream, eventId) {
      const snapshot = await doc(stream, eventId).get();
      return snapshot.exists ? entryOf(snapshot.data()!) : undefined;
    },

    async after(stream, afterSeq, limit) {
      const page = await log
        .where("stream", "==", stream)
        .where("seq", ">", afterSeq)
        .orderBy("seq")
        .limit(limit)
        .get();
      return page.docs.map((snapshot) => entryOf(snapshot.data()));
    },

    async hold(stream, eventId, until) {
      const snapshot = await doc(stream, eventId).get();
      if (!snapshot.exists) return;
      const expireAt = Math.max(Number(snapshot.get("retainUntil")), until ?? 0);
      // Most holds end inside the retention (24 h by default, as the payload grace): nothing to write.
      if (toMillis(snapshot.get("expireAt")) === expireAt) return;
      await updateIfExists(doc(stream, eventId), { expireAt: Timestamp.fromMillis(expireAt) });
    },

    async deleteStream(stream, limit) {
      const page = await log.where("stream", "==", stream).limit(limit).get();
      if (page.empty) return 0;
      const batch = db.batch();
      for (const snapshot of page.docs) batch.delete(snapshot.ref);
      await batch.commit();
      return page.size;
    },
  };
}
