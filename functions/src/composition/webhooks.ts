import { setTimeout as sleep } from "node:timers/promises";
import type { EgressMode } from "@wsapi/contracts/egress";
import type { RuntimeConfig } from "../config.js";
import { accountActiveCheck } from "../core/accounts.js";
import { createLogger } from "../core/logs.js";
import type { EventLogStore } from "../core/ports/eventLog.js";
import type { WebhookQueue } from "../core/ports/webhooks.js";
import type { WebhookDashboardDeps } from "../core/webhooks/dashboard.js";
import type { EnqueueDeps } from "../core/webhooks/enqueue.js";
import { webhookLogEvents } from "../core/webhooks/logs.js";
import type { WorkerDeps } from "../core/webhooks/worker.js";
import type { EventStreamDeps } from "../http/common/eventStream.js";
import { buildCore, type Core } from "./bootstrap.js";
import { buildMetrics } from "./metrics.js";
import { buildStatsRecorder } from "./stats.js";

// Webhook delivery for the events (queue), dashboard (log, retries, secrets) and deliverwebhook
// (worker) functions. Adapters are imported lazily so functions that never deliver stay light.

/**
 * Emulated (the Functions emulator with a demo-* project, see config.ts) webhooks may reach the
 * developer's own machine; everywhere else only public addresses.
 */
export function addressMode(config: RuntimeConfig): EgressMode {
  return config.emulated ? "local" : "production";
}

/** A shortened retry schedule is for tests only: parseConfig refuses one outside emulated mode. */
export function scheduleScale(config: RuntimeConfig): number {
  return config.emulated ? config.webhookScheduleScale : 1;
}

/** The event log's store (core/eventLog.ts), for ingest, the stream and webhook attempts. */
export async function buildEventLogStore(core: Core): Promise<EventLogStore> {
  const { firestoreEventLogStore } = await import("../adapters/firestore/eventLogStore.js");
  return core.bound(firestoreEventLogStore(core.db));
}

/** The api function's timeout is the default 60 s: a stream ends 10 s before it and is resumed. */
const STREAM_MAX_MS = 50_000;

/** Reading the event log: GET /events/stream (api) and the dashboard's event monitor. */
export async function buildEventStreamDeps(core: Core): Promise<EventStreamDeps> {
  return {
    log: await buildEventLogStore(core),
    keyRing: core.deps.keyRing,
    clock: core.deps.clock,
    pollMs: 1_000,
    maxMs: STREAM_MAX_MS,
    keepAliveMs: 10_000,
    logs: core.deps.logs,
  };
}

async function enqueueDeps(core: Core, config: RuntimeConfig): Promise<EnqueueDeps> {
  const [{ firestoreDeliveryStore }, { cloudDeliveryTasks }, eventLog] = await Promise.all([
    import("../adapters/webhooks/deliveryStore.js"),
    import("../adapters/webhooks/taskQueue.js"),
    buildEventLogStore(core),
  ]);
  return {
    deliveries: core.bound(firestoreDeliveryStore(core.db)),
    eventLog,
    tasks: cloudDeliveryTasks(core.app),
    keyRing: core.deps.keyRing,
    clock: core.deps.clock,
    mode: addressMode(config),
    logs: webhookLogEvents(createLogger()),
  };
}

/** For the events function: the ingest's WebhookQueue. */
export async function buildWebhookQueue(core: Core, config: RuntimeConfig): Promise<WebhookQueue> {
  const { webhookQueue } = await import("../adapters/webhooks/taskQueue.js");
  return webhookQueue(await enqueueDeps(core, config));
}

async function signingSecrets(core: Core) {
  const { firestoreSigningSecretStore } = await import("../adapters/webhooks/secretStore.js");
  return core.bound(firestoreSigningSecretStore(core.db, core.deps.keyRing));
}

/** For the dashboard function: the delivery log, test events, retries and signing secrets. */
export async function buildWebhookDashboardDeps(
  core: Core,
  config: RuntimeConfig,
): Promise<WebhookDashboardDeps> {
  return {
    ...(await enqueueDeps(core, config)),
    instances: core.instances,
    secrets: await signingSecrets(core),
    audit: core.deps.store,
    graceMs: config.webhookSecretGraceMs,
  };
}

/** For the deliverwebhook task handler. */
export async function buildWebhookWorkerDeps(config: RuntimeConfig): Promise<WorkerDeps> {
  const core = await buildCore(config);
  const [{ createWebhookHttpClient }, { firestoreMessageTimelineStore }] = await Promise.all([
    import("../adapters/webhooks/httpClient.js"),
    import("../adapters/firestore/messageTimelineStore.js"),
  ]);
  const base = await enqueueDeps(core, config);
  return {
    instances: core.instances,
    deliveries: base.deliveries,
    eventLog: await buildEventLogStore(core),
    timelines: firestoreMessageTimelineStore(core.db),
    tasks: base.tasks,
    secrets: await signingSecrets(core),
    sender: createWebhookHttpClient({ mode: base.mode }),
    keyRing: base.keyRing,
    clock: base.clock,
    schedule: { scale: scheduleScale(config), random: Math.random },
    logs: base.logs,
    sleep: (ms) => sleep(ms),
    accountActive: accountActiveCheck(core.deps.store, base.clock),
    metrics: await buildMetrics(config, "deliverwebhook"),
    stats: await buildStatsRecorder(core),
  };
}
