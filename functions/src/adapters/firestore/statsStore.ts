import { type DocumentData, FieldValue, type Firestore, Timestamp } from "firebase-admin/firestore";
import type { StatsStore } from "../../core/ports/stats.js";
import { COUNTER_NAMES, type HourlyStats, STATS_TTL_MS } from "../../core/stats/counters.js";

// accounts/{uid}/instances/{instanceId}/hourlyStats/{hour}-{shard}: counters (FieldValue.increment)
// and the latency histogram, one top-level field per bucket (`lat_<bucket>`: the local Firestore
// stand-in cannot increment a field inside a map), for one shard of one hour; no content. Read with
// one range query on `hour` (automatic single-field index); Firestore's TTL deletes each document
// STATS_TTL_MS after its hour began.
export const STATS_COLLECTION = "hourlyStats";
const LATENCY_FIELD = /^lat_(\d+)$/;

function statsOf(data: DocumentData): HourlyStats {
  const counters = Object.fromEntries(COUNTER_NAMES.map((name) => [name, Number(data[name] ?? 0)]));
  const latency: Record<string, number> = {};
  for (const [field, value] of Object.entries(data)) {
    const bucket = LATENCY_FIELD.exec(field)?.[1];
    if (bucket !== undefined) latency[String(Number(bucket))] = Number(value);
  }
  return { hour: Number(data.hour), latency, ...counters } as HourlyStats;
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
      for (const [bucket, n] of Object.entries(delta.latency ?? {}))
        fields[`lat_${bucket}`] = FieldValue.increment(n);
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
