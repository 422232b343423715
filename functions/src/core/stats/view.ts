import { z } from "zod";
import type { Instance } from "../instances.js";
import type { Clock } from "../ports/clock.js";
import type { StatsStore } from "../ports/stats.js";
import {
  COUNTER_NAMES,
  emptyCounters,
  HOUR_MS,
  type HourlyCounters,
  type HourlyStats,
  hourOf,
  mergeCounters,
  percentile,
} from "./counters.js";

// GET /account/instances/{id}/stats and GET /v1/instances/{id}/stats (our extension): the
// instance's hourly counters over the last 24 hours or 7 days, the current hour included.
export const STATS_RANGE_HOURS = { "24h": 24, "7d": 168 } as const;
export type StatsRange = keyof typeof STATS_RANGE_HOURS;

export const statsQuery = z.object({
  range: z.enum(["24h", "7d"]).default("24h").describe("24h (24 hourly rows) or 7d (168)"),
});

const count = z.number().int().nonnegative();
const counts = {
  messagesIn: count.describe("message events from others (status updates not counted)"),
  messagesOut: count.describe(
    "messages sent through the API and accepted by the instance, plus messages the account sent from its phone",
  ),
  webhooksSucceeded: count.describe("webhook attempts answered 2xx"),
  webhooksFailed: count.describe("webhook attempts that failed"),
};
const latencyMs = z
  .object({ p50: count.nullable(), p95: count.nullable() })
  .describe("event received by the instance → successful webhook attempt; null without one");

export const InstanceStats = z.object({
  instanceId: z.string(),
  range: z.enum(["24h", "7d"]),
  /** Start of the first hour. */
  from: z.iso.datetime(),
  /** When the numbers were read. */
  to: z.iso.datetime(),
  totals: z.object({
    ...counts,
    webhookSuccessRate: z.number().min(0).max(1).nullable(),
    latencyMs,
  }),
  hours: z.array(z.object({ start: z.iso.datetime(), ...counts, latencyMs })),
});
export type InstanceStats = z.infer<typeof InstanceStats>;

const latencyOf = (counters: HourlyCounters) => ({
  p50: percentile(counters.latency, 0.5),
  p95: percentile(counters.latency, 0.95),
});

const countsOf = (counters: HourlyCounters) =>
  Object.fromEntries(COUNTER_NAMES.map((name) => [name, counters[name]])) as Record<
    (typeof COUNTER_NAMES)[number],
    number
  >;

/** Merges the stored shards into one row per hour of the range (hours without data count zero). */
export function statsView(
  instanceId: string,
  range: StatsRange,
  stored: HourlyStats[],
  now: number,
): InstanceStats {
  const hours = STATS_RANGE_HOURS[range];
  const first = hourOf(now) - (hours - 1) * HOUR_MS;
  const rows = Array.from({ length: hours }, emptyCounters);
  for (const shard of stored) {
    const index = (shard.hour - first) / HOUR_MS;
    if (Number.isInteger(index) && index >= 0 && index < hours) mergeCounters(rows[index]!, shard);
  }
  const totals = rows.reduce((sum, row) => mergeCounters(sum, row), emptyCounters());
  const attempts = totals.webhooksSucceeded + totals.webhooksFailed;
  return {
    instanceId,
    range,
    from: new Date(first).toISOString(),
    to: new Date(now).toISOString(),
    totals: {
      ...countsOf(totals),
      webhookSuccessRate:
        attempts === 0 ? null : Math.round((totals.webhooksSucceeded / attempts) * 1e4) / 1e4,
      latencyMs: latencyOf(totals),
    },
    hours: rows.map((row, index) => ({
      start: new Date(first + index * HOUR_MS).toISOString(),
      ...countsOf(row),
      latencyMs: latencyOf(row),
    })),
  };
}

export async function instanceStats(
  deps: { stats: StatsStore; clock: Clock },
  instance: Pick<Instance, "accountId" | "instanceId">,
  range: StatsRange,
): Promise<InstanceStats> {
  const now = deps.clock.now();
  const from = hourOf(now) - (STATS_RANGE_HOURS[range] - 1) * HOUR_MS;
  const stored = await deps.stats.since(instance.accountId, instance.instanceId, from);
  return statsView(instance.instanceId, range, stored, now);
}
