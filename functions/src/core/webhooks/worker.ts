import { DecryptionError, decryptText } from "../aead.js";
import { loggedBody, streamKeyOf } from "../eventLog.js";
import { recordWebhookDelivered } from "../messageTimeline.js";
import type { Clock } from "../ports/clock.js";
import type { EventLogStore } from "../ports/eventLog.js";
import type { InstanceStore } from "../ports/instances.js";
import type { KeyRing } from "../ports/keyRing.js";
import type { MessageTimelineStore } from "../ports/messageTimeline.js";
import type { Metrics } from "../ports/metrics.js";
import type { DeliveryStore, DeliveryTasks, SigningSecretStore, WebhookSender } from "../ports/webhooks.js";
import { countAttempt, type StatsRecorder } from "../stats/record.js";
import {
  type AttemptRecord,
  alreadyRecorded,
  DeliveryPayload,
  type DeliveryRecord,
  type DeliveryRef,
  DeliveryTask,
  decideAttempt,
  GONE_REASON,
  payloadContext,
  taskIdFor,
} from "./delivery.js";
import type { WebhookLogEvents } from "./logs.js";
import type { ScheduleOptions } from "./schedule.js";
import { signingMaterial } from "./secrets.js";
import { webhookHeaders } from "./signing.js";

// One Cloud Task = one attempt. A failed attempt schedules the next one as a new task and returns
// normally; only a crash (or a store outage) makes Cloud Tasks re-run this task, and a re-run of an
// attempt that was already recorded only finishes its follow-ups, so nothing is lost or doubled.
export interface WorkerDeps {
  instances: InstanceStore;
  deliveries: DeliveryStore;
  /** Where a logged event's body is read from (core/eventLog.ts). */
  eventLog: EventLogStore;
  tasks: DeliveryTasks;
  secrets: SigningSecretStore;
  sender: WebhookSender;
  keyRing: KeyRing;
  clock: Clock;
  schedule: ScheduleOptions;
  logs: WebhookLogEvents;
  sleep: (ms: number) => Promise<void>;
  /** False for a suspended (or deleted) account; cached for a few seconds, as in event ingest. */
  accountActive(accountId: string): Promise<boolean>;
  /** Message timelines (core/messageTimeline.ts): the webhook stage of the messages an event names. */
  timelines?: MessageTimelineStore;
  metrics?: Pick<Metrics, "webhookAttempt">;
  /** Hourly webhook counters and latency (core/stats/). */
  stats?: StatsRecorder;
}

export const SUSPENDED_REASON = "The account is suspended, so this delivery was not attempted.";

/** Cloud Tasks never dispatches early; its emulator ignores schedule times, so early tasks wait. */
export const MAX_EARLY_WAIT_MS = 30_000;

export class TaskNotDueError extends Error {
  constructor(earlyMs: number) {
    super(`delivery task dispatched ${earlyMs} ms before it is due`);
    this.name = "TaskNotDueError";
  }
}

function canAttempt(record: DeliveryRecord, task: DeliveryTask): boolean {
  if (task.trigger === "scheduled") return record.state === "pending";
  return record.state === "pending" || record.state === "exhausted" || record.state === "disabled";
}

async function enqueueNext(deps: WorkerDeps, task: DeliveryTask, seq: number, dueAt: number) {
  const next: DeliveryTask = { ...task, trigger: "scheduled", seq, dueAt };
  const delaySeconds = Math.max(0, Math.ceil((dueAt - deps.clock.now()) / 1000));
  await deps.tasks.enqueue(next, { id: taskIdFor(next), delaySeconds });
}

/** What must follow a recorded attempt; safe to repeat when a task is re-run. */
async function followUps(deps: WorkerDeps, task: DeliveryTask, record: DeliveryRecord) {
  // The held payload follows the record: deleted once delivered, else held as payloadExpiry says;
  // a logged body is held as long (and at least for the log's retention).
  const stream = streamKeyOf(record.accountId, record.instanceId);
  if (record.payloadExpiresAt === null || record.state === "delivered") {
    await deps.deliveries.deletePayload(record.deliveryId);
    await deps.eventLog.hold(stream, record.eventId, null);
  } else {
    await deps.deliveries.setPayloadExpiry(record.deliveryId, record.payloadExpiresAt);
    await deps.eventLog.hold(stream, record.eventId, record.payloadExpiresAt);
  }
  const continues =
    task.trigger === "scheduled" &&
    record.state === "pending" &&
    record.scheduledAttempts === task.seq &&
    record.nextAttemptAt !== null;
  if (continues) await enqueueNext(deps, task, task.seq + 1, record.nextAttemptAt!);
}

async function disableEndpoint(deps: WorkerDeps, record: DeliveryRecord) {
  await deps.deliveries.setEndpoint(record.accountId, record.instanceId, {
    endpointId: record.endpointId,
    endpoint: record.endpoint,
    disabledAt: deps.clock.now(),
    reason: GONE_REASON,
  });
  deps.logs.endpointDisabled(record.accountId, record.instanceId, record.endpointId);
}

async function waitUntilDue(deps: WorkerDeps, ref: DeliveryRef, dueAt: number) {
  const early = dueAt - deps.clock.now();
  if (early <= 0) return;
  if (early > MAX_EARLY_WAIT_MS) throw new TaskNotDueError(early);
  deps.logs.taskEarly(ref, early);
  await deps.sleep(early);
}

async function cancelForPayload(deps: WorkerDeps, ref: DeliveryRef, reason: string) {
  await deps.deliveries.setState(ref, ["pending", "exhausted", "disabled"], {
    state: "cancelled",
    reason,
    nextAttemptAt: null,
    payloadExpiresAt: null,
    updatedAt: deps.clock.now(),
  });
  await deps.deliveries.deletePayload(ref.deliveryId);
}

const NO_LONGER_HELD = "The event content is no longer held.";

/**
 * The content is held only in deliveryPayloads and the event log (tasks carry ids); undefined when it
 * cannot be used.
 */
async function openPayload(deps: WorkerDeps, ref: DeliveryRef) {
  const held = await deps.deliveries.getPayload(ref.deliveryId);
  if (!held || held.expireAt <= deps.clock.now()) {
    await cancelForPayload(deps, ref, NO_LONGER_HELD);
    return undefined;
  }
  try {
    const text = await decryptText(deps.keyRing, held.envelope, payloadContext(ref.deliveryId));
    const payload = DeliveryPayload.parse(JSON.parse(text));
    if (payload.body !== undefined) return { ...payload, body: payload.body };
    const stream = streamKeyOf(ref.accountId, ref.instanceId);
    const log = { log: deps.eventLog, keyRing: deps.keyRing, clock: deps.clock };
    const body = await loggedBody(log, stream, payload.eventId);
    if (body === undefined) await cancelForPayload(deps, ref, NO_LONGER_HELD);
    return body === undefined ? undefined : { ...payload, body };
  } catch (error) {
    if (!(error instanceof DecryptionError)) throw error;
    // A payload no key can open never will: retrying it would only spin.
    await cancelForPayload(deps, ref, "The queued payload could not be decrypted.");
    return undefined;
  }
}

function recordAttemptMetric(deps: WorkerDeps, record: DeliveryRecord, attempt: AttemptRecord) {
  if (attempt.succeeded)
    return deps.metrics?.webhookAttempt("delivered", (deps.clock.now() - record.createdAt) / 1000);
  deps.metrics?.webhookAttempt(attempt.state === "pending" ? "retry" : attempt.state);
}

export async function handleDeliveryTask(data: unknown, deps: WorkerDeps): Promise<void> {
  const parsed = DeliveryTask.safeParse(data);
  if (!parsed.success) return deps.logs.taskRejected("malformed delivery task");
  const task = parsed.data;
  const ref: DeliveryRef = {
    accountId: task.accountId,
    instanceId: task.instanceId,
    deliveryId: task.deliveryId,
  };
  const record = await deps.deliveries.get(ref);
  if (!record) return deps.logs.deliverySkipped(ref, "no delivery record");
  if (alreadyRecorded(record, task)) return followUps(deps, task, record);
  if (!canAttempt(record, task)) return deps.logs.deliverySkipped(ref, `delivery is ${record.state}`);
  await waitUntilDue(deps, ref, task.dueAt);

  // Checked before every attempt, scheduled or manual: a suspended account's deliveries stop for good
  // (no attempt, no next task) and their held content goes, as ingest delivers its new events nowhere.
  if (!(await deps.accountActive(ref.accountId))) {
    await deps.deliveries.setState(ref, ["pending", "exhausted", "disabled"], {
      state: "cancelled",
      reason: SUSPENDED_REASON,
      nextAttemptAt: null,
      updatedAt: deps.clock.now(),
    });
    await deps.deliveries.deletePayload(ref.deliveryId);
    return deps.logs.deliverySkipped(ref, "account suspended");
  }

  const instance = await deps.instances.get(ref.accountId, ref.instanceId);
  if (!instance) {
    await deps.deliveries.setState(ref, ["pending", "exhausted", "disabled"], {
      state: "cancelled",
      reason: "The instance was deleted.",
      nextAttemptAt: null,
      updatedAt: deps.clock.now(),
    });
    return deps.deliveries.deletePayload(ref.deliveryId);
  }
  const endpoint = await deps.deliveries.getEndpoint(ref.accountId, ref.instanceId, record.endpointId);
  if (endpoint?.disabledAt) {
    await deps.deliveries.setState(ref, ["pending"], {
      state: "disabled",
      reason: endpoint.reason ?? GONE_REASON,
      nextAttemptAt: null,
      updatedAt: deps.clock.now(),
    });
    return deps.logs.deliverySkipped(ref, "endpoint disabled");
  }

  const payload = await openPayload(deps, ref);
  if (!payload) return deps.logs.deliverySkipped(ref, "payload missing, expired or undecryptable");
  const startedAt = deps.clock.now();
  const material = await signingMaterial(deps.secrets, instance, startedAt);
  const authHeader = instance.settings.webhookAuthHeader;
  const headers = webhookHeaders({
    webhookId: payload.eventId,
    timestamp: Math.floor(startedAt / 1000),
    body: payload.body,
    instanceId: ref.instanceId,
    secrets: material.secrets,
    auth: authHeader && material.authValue ? { header: authHeader, value: material.authValue } : undefined,
  });
  const outcome = await deps.sender.post(payload.url, payload.body, headers);
  const decision = await deps.deliveries.recordAttempt(ref, (current) =>
    decideAttempt(current, task, outcome, startedAt, deps.clock.now(), deps.schedule),
  );
  if (!decision) return deps.logs.deliverySkipped(ref, "attempt recorded by a concurrent run");
  deps.logs.deliveryAttempted(ref, decision.attempt, decision.attempt.state);
  recordAttemptMetric(deps, record, decision.attempt);
  const updated = { ...record, ...decision.patch };
  await countAttempt(deps.stats, updated, decision.attempt);
  if (decision.disableEndpoint) await disableEndpoint(deps, updated);
  await followUps(deps, task, updated);
  if (deps.timelines && updated.state === "delivered")
    await recordWebhookDelivered({ timelines: deps.timelines, clock: deps.clock }, updated, payload.body);
}
