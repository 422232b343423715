import { createHash } from "node:crypto";

// Per-instance hourly counters (metadata only: counts and a latency histogram, never content).
// Each hour of an instance is split over a few shard documents so that a busy instance's writes
// (one per ingest batch, per webhook attempt, per API send) spread out; a read merges them.

export const HOUR_MS = 3_600_000;
/** Firestore's TTL deletes an hour's counters this long after the hour began: the 7-day view plus a day. */
export const STATS_TTL_MS = 8 * 24 * HOUR_MS;
/** Shard documents per instance and hour (Firestore sustains about one write per second per document). */
export const STATS_SHARDS = 8;

/**
 * Webhook delivery latency histogram: bucket i holds [2^(i/4), 2^((i+1)/4)) ms, each about 19 %
 * wide, so a percentile read from merged buckets is within that of the exact one. Bucket 0 also
 * takes anything under 1 ms, the last anything over 2^29.75 ms (about 9.7 days).
 */
export const LATENCY_BUCKETS = 120;
const STEPS_PER_DOUBLING = 4;

/** Bucket index (as the histogram's map key) → count. */
export type Histogram = Record<string, number>;

export interface HourlyCounters {
  /** `message` events from others (not status updates). */
  messagesIn: number;
  /** Messages sent through the API (accepted by the instance) plus `message` events sent by the account itself elsewhere. */
  messagesOut: number;
  /** Webhook attempts answered 2xx. */
  webhooksSucceeded: number;
  /** Webhook attempts that failed (non-2xx, network error, timeout). */
  webhooksFailed: number;
  /** Event received by the instance → successful webhook attempt, per successful attempt. */
  latency: Histogram;
}

export type CounterDelta = Partial<HourlyCounters>;

/** The counters of one shard of one hour as stored. */
export interface HourlyStats extends HourlyCounters {
  /** Start of the hour, epoch ms (UTC). */
  hour: number;
}

export const COUNTER_NAMES = ["messagesIn", "messagesOut", "webhooksSucceeded", "webhooksFailed"] as const;

export const hourOf = (at: number) => Math.floor(at / HOUR_MS) * HOUR_MS;

/** A stable shard for a key (a delivery id, an event id), so one writer's repeats land together. */
export function shardOf(key: string): number {
  return createHash("sha256").update(key).digest().readUInt8(0) % STATS_SHARDS;
}

const lowerBound = (bucket: number) => 2 ** (bucket / STEPS_PER_DOUBLING);

export function latencyBucket(ms: number): number {
  if (!(ms >= 1)) return 0;
  let bucket = Math.floor(Math.log2(ms) * STEPS_PER_DOUBLING);
  // Math.log2 may land a hair off at a bucket's edge; settle it on the bounds themselves.
  if (lowerBound(bucket) > ms) bucket--;
  else if (lowerBound(bucket + 1) <= ms) bucket++;
  return Math.min(LATENCY_BUCKETS - 1, Math.max(0, bucket));
}

export const emptyCounters = (): HourlyCounters => ({
  messagesIn: 0,
  messagesOut: 0,
  webhooksSucceeded: 0,
  webhooksFailed: 0,
  latency: {},
});

/** Adds `delta` into `into` (mutates it) and answers it. */
export function mergeCounters(into: HourlyCounters, delta: CounterDelta): HourlyCounters {
  for (const name of COUNTER_NAMES) into[name] += delta[name] ?? 0;
  for (const [bucket, count] of Object.entries(delta.latency ?? {})) {
    into.latency[bucket] = (into.latency[bucket] ?? 0) + count;
  }
  return into;
}

/**
 * The p-th percentile (0 < p ≤ 1, nearest rank) of the latencies a histogram counts, in whole ms;
 * null when it counts none. Within its bucket the value is placed by rank on the log scale.
 */
export function percentile(histogram: Histogram, p: number): number | null {
  const buckets = Object.entries(histogram)
    .map(([bucket, count]) => [Number(bucket), count] as const)
    .filter(([, count]) => count > 0)
    .sort(([a], [b]) => a - b);
  const total = buckets.reduce((sum, [, count]) => sum + count, 0);
  if (total === 0) return null;
  const rank = Math.min(total, Math.max(1, Math.ceil(p * total)));
  let below = 0;
  for (const [bucket, count] of buckets) {
    if (below + count >= rank) {
      const within = (rank - below - 0.5) / count;
      return Math.round(2 ** ((bucket + within) / STEPS_PER_DOUBLING));
    }
    below += count;
  }
  return null;
}
