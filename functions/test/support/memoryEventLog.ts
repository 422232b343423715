import { entryIdOf } from "../../src/core/eventLog.js";
import type { EventLogEntry, EventLogStore } from "../../src/core/ports/eventLog.js";

/** The event log in memory, with the Firestore adapter's semantics (create-if-absent, seq order). */
export function memoryEventLog() {
  const entries = new Map<string, EventLogEntry>();
  const key = entryIdOf;
  const ofStream = (stream: string) =>
    [...entries.values()].filter((entry) => entry.stream === stream).sort((a, b) => a.seq - b.seq);
  const store: EventLogStore = {
    async lastSeq(stream) {
      return ofStream(stream).at(-1)?.seq ?? 0;
    },
    async append(batch) {
      for (const entry of batch) {
        if (!entries.has(key(entry.stream, entry.eventId)))
          entries.set(key(entry.stream, entry.eventId), { ...entry });
      }
    },
    async get(stream, eventId) {
      const entry = entries.get(key(stream, eventId));
      return entry ? { ...entry } : undefined;
    },
    async after(stream, afterSeq, limit) {
      return ofStream(stream)
        .filter((entry) => entry.seq > afterSeq)
        .slice(0, limit)
        .map((entry) => ({ ...entry }));
    },
    async hold(stream, eventId, until) {
      const entry = entries.get(key(stream, eventId));
      if (entry) entry.expireAt = Math.max(entry.retainUntil, until ?? 0);
    },
    async deleteStream(stream, limit) {
      const gone = ofStream(stream).slice(0, limit);
      for (const entry of gone) entries.delete(key(stream, entry.eventId));
      return gone.length;
    },
  };
  return { store, entries };
}
