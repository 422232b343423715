import type { CounterDelta, HourlyStats } from "../stats/counters.js";

// Per-instance hourly counters (core/stats/): counts and a latency histogram, no content.

export interface StatsStore {
  /** Adds `delta` to one shard of one hour of an instance (created on first use, kept STATS_TTL_MS). */
  add(accountId: string, instanceId: string, hour: number, shard: number, delta: CounterDelta): Promise<void>;
  /** Every stored shard of the instance's hours from `fromHour` (start of an hour, epoch ms) on. */
  since(accountId: string, instanceId: string, fromHour: number): Promise<HourlyStats[]>;
  /** Deletes up to `limit` of the instance's documents; answers how many went (0 once none is left). */
  deleteInstanceStats(accountId: string, instanceId: string, limit: number): Promise<number>;
}
