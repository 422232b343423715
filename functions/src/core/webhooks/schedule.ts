// The retry schedule as data, close to Standard Webhooks' recommendation: after the first attempt
// fails, retry after each of these delays (with jitter), then the delivery is exhausted.
const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

export const RETRY_DELAYS_MS: readonly number[] = [
  5 * SECOND,
  5 * MINUTE,
  30 * MINUTE,
  2 * HOUR,
  5 * HOUR,
  10 * HOUR,
  14 * HOUR,
  20 * HOUR,
  24 * HOUR,
];

/** One initial attempt plus one per delay. */
export const MAX_SCHEDULED_ATTEMPTS = RETRY_DELAYS_MS.length + 1;

/** Each delay moves by up to ±10 % so receivers that failed together are not retried together. */
export const JITTER_RATIO = 0.1;

/** A receiver's Retry-After is honoured up to the longest step of the schedule. */
export const MAX_RETRY_AFTER_MS = 24 * HOUR;

export interface ScheduleOptions {
  /** Multiplies every delay; 1 in production, smaller only in the emulators for tests. */
  scale: number;
  /** Uniform in [0, 1); injected so tests are deterministic. */
  random: () => number;
}

/**
 * Delay before the next scheduled attempt, given how many scheduled attempts have failed so far,
 * or undefined when the schedule is used up.
 */
export function nextRetryDelay(
  failedAttempts: number,
  retryAfterMs: number | undefined,
  options: ScheduleOptions,
): number | undefined {
  const base = RETRY_DELAYS_MS[failedAttempts - 1];
  if (base === undefined || failedAttempts < 1) return undefined;
  const jitter = 1 + (options.random() * 2 - 1) * JITTER_RATIO;
  const scheduled = Math.round(base * jitter * options.scale);
  if (retryAfterMs === undefined) return scheduled;
  return Math.max(scheduled, Math.min(retryAfterMs, MAX_RETRY_AFTER_MS));
}

/** Retry-After as delta-seconds or an HTTP date, in ms from `now`; undefined when absent or invalid. */
export function parseRetryAfter(value: string | undefined, now: number): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d{1,10}$/.test(trimmed)) return Number(trimmed) * SECOND;
  const at = Date.parse(trimmed);
  if (Number.isNaN(at) || !/[a-z]/i.test(trimmed)) return undefined;
  return Math.max(0, at - now);
}
