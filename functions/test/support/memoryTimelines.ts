import { timelineIdOf } from "../../src/core/messageTimeline.js";
import type { MessageTimelineStore, TimelineRecord } from "../../src/core/ports/messageTimeline.js";

/** Message timelines in memory, keyed as the Firestore adapter keys them. */
export function memoryTimelines() {
  const records = new Map<string, TimelineRecord>();
  const store: MessageTimelineStore = {
    async get(key) {
      const record = records.get(timelineIdOf(key));
      return record ? structuredClone(record) : undefined;
    },
    async update(key, change) {
      const id = timelineIdOf(key);
      const current = records.get(id);
      records.set(id, structuredClone(change(current ? structuredClone(current) : undefined)));
    },
    async deleteInstance(accountId, instanceId, limit) {
      const ids = [...records]
        .filter(([, record]) => record.accountId === accountId && record.instanceId === instanceId)
        .slice(0, limit)
        .map(([id]) => id);
      for (const id of ids) records.delete(id);
      return ids.length;
    },
  };
  return { store, records };
}
