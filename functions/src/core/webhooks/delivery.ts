import { createHash } from "node:crypto";
import { z } from "zod";
import {
  JITTER_RATIO,
  nextRetryDelay,
  parseRetryAfter,
  RETRY_DELAYS_MS,
  type ScheduleOptions,
} from "./schedule.js";

// A delivery is one event on its way to one endpoint (webhook URL); each try is an attempt.
// Records hold metadata only: ids, event type, status codes, timings. Never the event's content.
export const DELIVERY_LOG_TTL_MS = 30 * 24 * 3600_000;
/**
 * The event's content lives in one place only: the AES-GCM envelope in deliveryPayloads/{deliveryId}
 * (tasks carry ids). It is held until PAYLOAD_GRACE_MS after the next scheduled attempt is due
 * (moved on by each attempt; the grace covers a late queue and task re-runs), then for
 * PAYLOAD_GRACE_MS after the delivery gives up (the dashboard's manual retry), and deleted at once
 * when delivered or cancelled. Longest hold: SCHEDULE_SPAN_MS (about 83 h) plus the grace.
 */
export const PAYLOAD_GRACE_MS = 24 * 3600_000;
/** The longest the whole retry schedule can take: every delay at its largest jitter. */
export const SCHEDULE_SPAN_MS = Math.ceil(
  RETRY_DELAYS_MS.reduce((sum, delay) => sum + delay, 0) * (1 + JITTER_RATIO),
);
/** Cloud Tasks holds at most 1 MB per task and Firestore 1 MiB per document, ciphertext included. */
export const MAX_PAYLOAD_BYTES = 512 * 1024;

export type DeliveryState = "pending" | "delivered" | "exhausted" | "disabled" | "cancelled";
export type AttemptTrigger = "scheduled" | "manual";
export type AttemptError =
  | "timeout"
  | "connection_refused"
  | "connection_reset"
  | "dns_failure"
  | "forbidden_address"
  | "invalid_url"
  | "tls_error"
  | "network_error";

/** What one POST to the customer produced, as the HTTP client reports it. */
export type HttpOutcome =
  | {
      kind: "response";
      status: number;
      retryAfter?: string | undefined;
      durationMs: number;
      /** Bytes of the answer read (and dropped), at most the client's cap. */
      responseBytes?: number;
    }
  | { kind: "error"; error: AttemptError; detail: string; durationMs: number };

export interface DeliveryRef {
  accountId: string;
  instanceId: string;
  deliveryId: string;
}

export interface DeliveryRecord extends DeliveryRef {
  eventId: string;
  eventType: string;
  endpointId: string;
  /** Origin and path of the URL: a query string may carry the customer's own tokens. */
  endpoint: string;
  state: DeliveryState;
  reason: string | null;
  attemptCount: number;
  scheduledAttempts: number;
  manualAttempts: number;
  nextAttemptAt: number | null;
  lastStatusCode: number | null;
  lastError: string | null;
  createdAt: number;
  updatedAt: number;
  expireAt: number;
  payloadExpiresAt: number | null;
}

export interface AttemptRecord {
  attemptNumber: number;
  trigger: AttemptTrigger;
  startedAt: number;
  durationMs: number;
  statusCode: number | null;
  error: string | null;
  succeeded: boolean;
  nextAttemptAt: number | null;
  state: DeliveryState;
}

export const DELIVERY_ID = /^dlv_[0-9a-f]{40}$/;

/** One task runs one attempt; `seq` counts attempts of its trigger kind, so a re-run is recognised. */
export const DeliveryTask = z.object({
  v: z.literal(1),
  accountId: z.string().min(1).max(128),
  instanceId: z.string().min(1).max(64),
  deliveryId: z.string().regex(DELIVERY_ID),
  trigger: z.enum(["scheduled", "manual"]),
  seq: z.number().int().min(1).max(10_000),
  dueAt: z.number().int().nonnegative(),
  // No payload: the content is read from deliveryPayloads at attempt time (tasks queued by an older
  // version still carry `payload`; zod drops the unknown key and the stored envelope is used).
});
export type DeliveryTask = z.infer<typeof DeliveryTask>;

export const DeliveryPayload = z.object({
  url: z.string().min(1),
  eventId: z.string().min(1),
  eventType: z.string().min(1),
  /** Absent for a logged event: its body is read from the event log (core/eventLog.ts). */
  body: z.string().optional(),
});
export type DeliveryPayload = z.infer<typeof DeliveryPayload>;

export const payloadContext = (deliveryId: string) => ({
  collection: "deliveryPayloads",
  docId: deliveryId,
  field: "payload",
});

const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

export function endpointIdFor(url: string): string {
  return sha256(`endpoint\n${url}`).slice(0, 32);
}

/** Same event, same endpoint → same delivery id (and first task id), so duplicates are dropped. */
export function deliveryIdFor(accountId: string, instanceId: string, eventId: string, url: string): string {
  return `dlv_${sha256(`${accountId}\n${instanceId}\n${eventId}\n${endpointIdFor(url)}`).slice(0, 40)}`;
}

export function taskIdFor(task: Pick<DeliveryTask, "deliveryId" | "trigger" | "seq">): string {
  if (task.trigger === "scheduled")
    return task.seq === 1 ? task.deliveryId : `${task.deliveryId}-s${task.seq}`;
  return `${task.deliveryId}-m${task.seq}`;
}

export function redactEndpoint(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.origin}${parsed.pathname}`;
  } catch {
    return "(invalid URL)";
  }
}

function describeOutcome(outcome: HttpOutcome): string | null {
  if (outcome.kind === "error") return `${outcome.error}: ${outcome.detail}`.slice(0, 300);
  if (outcome.status >= 300 && outcome.status < 400) return `redirect ${outcome.status} (not followed)`;
  return outcome.status >= 200 && outcome.status < 300 ? null : `HTTP ${outcome.status}`;
}

/**
 * Until when the envelope is held, given the delivery's state after an event: null = delete now.
 * While the schedule runs: its next attempt plus the grace; once it gave up (exhausted, disabled):
 * the grace from now, for a manual retry; delivered or cancelled: nothing to keep.
 */
export function payloadExpiry(
  record: Pick<DeliveryRecord, "state" | "nextAttemptAt">,
  now: number,
): number | null {
  if (record.state === "delivered" || record.state === "cancelled") return null;
  if (record.state === "pending") return (record.nextAttemptAt ?? now) + PAYLOAD_GRACE_MS;
  return now + PAYLOAD_GRACE_MS;
}

type OutcomeClass = "succeeded" | "gone" | "failed";

/** Only 2xx succeeds; 3xx is a failure (redirects are never followed); 410 retires the endpoint. */
function classifyOutcome(outcome: HttpOutcome): OutcomeClass {
  if (outcome.kind === "error") return "failed";
  if (outcome.status >= 200 && outcome.status < 300) return "succeeded";
  return outcome.status === 410 ? "gone" : "failed";
}

export const GONE_REASON = "The endpoint answered 410 Gone, so deliveries to it stopped.";

interface AttemptDecision {
  attempt: AttemptRecord;
  patch: Partial<DeliveryRecord>;
  /** The next scheduled task, when the schedule continues. */
  next?: { seq: number; dueAt: number };
  disableEndpoint: boolean;
}

export function alreadyRecorded(current: DeliveryRecord, task: Pick<DeliveryTask, "trigger" | "seq">) {
  const done = task.trigger === "scheduled" ? current.scheduledAttempts : current.manualAttempts;
  return done >= task.seq;
}

/**
 * The state transition after one attempt, computed against the freshest record; undefined when
 * this attempt was already recorded (a re-run after a crash).
 */
export function decideAttempt(
  current: DeliveryRecord,
  task: Pick<DeliveryTask, "trigger" | "seq">,
  outcome: HttpOutcome,
  startedAt: number,
  now: number,
  schedule: ScheduleOptions,
): AttemptDecision | undefined {
  const counter = task.trigger === "scheduled" ? "scheduledAttempts" : "manualAttempts";
  if (current[counter] !== task.seq - 1) return undefined;
  const result = classifyOutcome(outcome);
  let state: DeliveryState = current.state;
  let nextAttemptAt = current.nextAttemptAt;
  let next: AttemptDecision["next"];
  let reason = current.reason;
  if (current.state === "delivered") {
    // A concurrent attempt already got through; this one is only recorded.
  } else if (result === "succeeded") {
    state = "delivered";
    nextAttemptAt = null;
    reason = null;
  } else if (result === "gone") {
    state = "disabled";
    nextAttemptAt = null;
    reason = GONE_REASON;
  } else if (task.trigger === "scheduled") {
    const retryAfter = outcome.kind === "response" ? parseRetryAfter(outcome.retryAfter, now) : undefined;
    const delay = nextRetryDelay(task.seq, retryAfter, schedule);
    if (delay === undefined) {
      state = "exhausted";
      nextAttemptAt = null;
      reason = "Every attempt of the retry schedule failed.";
    } else {
      state = "pending";
      nextAttemptAt = now + delay;
      next = { seq: task.seq + 1, dueAt: nextAttemptAt };
    }
  } else if (current.state !== "pending") {
    // A failed manual retry leaves a pending delivery on its schedule; anything else stays finished.
    state = "exhausted";
    reason = "The manual retry failed.";
  }
  const attempt: AttemptRecord = {
    attemptNumber: current.attemptCount + 1,
    trigger: task.trigger,
    startedAt,
    durationMs: Math.round(outcome.durationMs),
    statusCode: outcome.kind === "response" ? outcome.status : null,
    error: describeOutcome(outcome),
    succeeded: result === "succeeded",
    nextAttemptAt,
    state,
  };
  const patch: Partial<DeliveryRecord> = {
    state,
    reason,
    nextAttemptAt,
    attemptCount: attempt.attemptNumber,
    [counter]: task.seq,
    lastStatusCode: attempt.statusCode,
    lastError: attempt.error,
    updatedAt: now,
    payloadExpiresAt: payloadExpiry({ state, nextAttemptAt }, now),
  };
  return { attempt, patch, ...(next ? { next } : {}), disableEndpoint: result === "gone" };
}

/** A manual retry is possible while the payload is held and the delivery is not finished for good. */
export function isRetryable(record: DeliveryRecord, now: number): boolean {
  const open = record.state === "pending" || record.state === "exhausted" || record.state === "disabled";
  return open && record.payloadExpiresAt !== null && record.payloadExpiresAt > now;
}
