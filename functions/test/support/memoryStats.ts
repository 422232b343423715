import type { StatsStore } from "../../src/core/ports/stats.js";
import { emptyCounters, type HourlyStats, mergeCounters } from "../../src/core/stats/counters.js";

// In-memory hourly counters with the Firestore store's semantics: one document per instance, hour
// and shard, increments merged into it, read back by hour range.
export function memoryStats() {
  const docs = new Map<string, HourlyStats & { accountId: string; instanceId: string }>();
  let failNext = 0;
  const store: StatsStore = {
    async add(accountId, instanceId, hour, shard, delta) {
      if (failNext > 0) {
        failNext--;
        throw new Error("stats store unavailable");
      }
      const id = `${accountId}/${instanceId}/${hour}-${shard}`;
      const doc = docs.get(id) ?? { accountId, instanceId, hour, ...emptyCounters() };
      docs.set(id, mergeCounters(doc, delta) as typeof doc);
    },
    async since(accountId, instanceId, fromHour) {
      return [...docs.values()]
        .filter((doc) => doc.accountId === accountId && doc.instanceId === instanceId && doc.hour >= fromHour)
        .map(({ accountId: _a, instanceId: _i, ...stats }) => structuredClone(stats));
    },
    async deleteInstanceStats(accountId, instanceId, limit) {
      const victims = [...docs].filter(
        ([, doc]) => doc.accountId === accountId && doc.instanceId === instanceId,
      );
      for (const [id] of victims.slice(0, limit)) docs.delete(id);
      return Math.min(limit, victims.length);
    },
  };
  return {
    store,
    docs,
    /** The next `n` writes fail. */
    failWrites: (n: number) => {
      failNext = n;
    },
  };
}
