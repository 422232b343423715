import { type DocumentData, FieldValue, type Firestore, Timestamp } from "firebase-admin/firestore";
import type { StatsStore } from "../../core/ports/stats.js";
import { COUNTER_NAMES, type HourlyStats, STATS_TTL_MS } from "../../core/stats/counters.js";

// accounts/{uid}/instances/{instanceId}/hourlyStats/{hour}-{shard}: counters (FieldValue.increment)
// and a latency histogram map for one shard of one hour; no content. Read with one range query on
// `hour` (automatic single-field index); the histogram map is exempt from indexing
// (firestore.indexes.json); Firestore's TTL deletes each document STATS_TTL_MS after its hour began.
export const STATS_COLLECTION = "hourlyStats";

function statsOf(data: DocumentData): HourlyStats {
  const counters = Object.fromEntries(COUNTER_NAMES.map((name) => [name, Number(data[name] ?? 0)]));
  return { hour: Number(data.hour), latency: { ...(data.latency ?? {}) }, ...counters } as HourlyStats;
}

export function firestoreStatsStore(db: Firestore): StatsStore {
  const statsOfInstance = (accountId: string, instanceId: string) =>
    db
      .collection("accounts")
      .doc(accountId)
      .collection("instances")
      .doc(instanceId)
      .collection(STATS_COLLECTION);

  return {
    async add(accountId, instanceId, hour, shard, delta) {
      const fields: Record<string, unknown> = { hour, expireAt: Timestamp.fromMillis(hour + STATS_TTL_MS) };
      for (const name of COUNTER_NAMES) {
        if (delta[name]) fields[name] = FieldValue.increment(delta[name]);
      }
      const latency = Object.entries(delta.latency ?? {});
      if (latency.length > 0) {
        fields.latency = Object.fromEntries(latency.map(([bucket, n]) => [bucket, FieldValue.increment(n)]));
      }
      await statsOfInstance(accountId, instanceId).doc(`${hour}-${shard}`).set(fields, { merge: true });
    },

    async since(accountId, instanceId, fromHour) {
      const page = await statsOfInstance(accountId, instanceId).where("hour", ">=", fromHour).get();
      return page.docs.map((doc) => statsOf(doc.data()));
    },

    async deleteInstanceStats(accountId, instanceId, limit) {
      const page = await statsOfInstance(accountId, instanceId).limit(limit).get();
      if (page.empty) return 0;
      const batch = db.batch();
      for (const doc of page.docs) batch.delete(doc.ref);
      await batch.commit();
      return page.size;
    },
  };
}
