import { setTimeout as sleep } from "node:timers/promises";
import type { EgressMode } from "@wsapi/contracts/egress";
import type { App } from "firebase-admin/app";
import type { Firestore } from "firebase-admin/firestore";
import type { RuntimeConfig } from "./config.js";
import type { AccountDeps } from "./core/accounts.js";
import { createLogger } from "./core/logs.js";
import type { InstanceStore } from "./core/ports/instances.js";
import type { WebhookQueue } from "./core/ports/webhooks.js";
import { TtlCache } from "./core/ttlCache.js";
import type { WebhookDashboardDeps } from "./core/webhooks/dashboard.js";
import type { EnqueueDeps } from "./core/webhooks/enqueue.js";
import { webhookLogEvents } from "./core/webhooks/logs.js";
import type { WorkerDeps } from "./core/webhooks/worker.js";

// Builds webhook delivery from the core pieces composition.ts already made (Firestore, key ring,
// instance store). Adapters are imported lazily so functions that never deliver stay light.
export interface WebhookCore {
  app: App;
  db: Firestore;
  /** Applies the request deadline to a store, when this function has one. */
  bound<T extends object>(store: T): T;
  deps: AccountDeps;
  instances: InstanceStore;
}

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

async function enqueueDeps(core: WebhookCore, config: RuntimeConfig): Promise<EnqueueDeps> {
  const [{ firestoreDeliveryStore }, { cloudDeliveryTasks }] = await Promise.all([
    import("./adapters/webhooks/deliveryStore.js"),
    import("./adapters/webhooks/taskQueue.js"),
  ]);
  return {
    deliveries: core.bound(firestoreDeliveryStore(core.db)),
    tasks: cloudDeliveryTasks(core.app),
    keyRing: core.deps.keyRing,
    clock: core.deps.clock,
    mode: addressMode(config),
    logs: webhookLogEvents(createLogger()),
  };
}

/** For the events function: the ingest's WebhookQueue. */
export async function buildWebhookQueue(core: WebhookCore, config: RuntimeConfig): Promise<WebhookQueue> {
  const { webhookQueue } = await import("./adapters/webhooks/taskQueue.js");
  return webhookQueue(await enqueueDeps(core, config));
}

async function signingSecrets(core: WebhookCore) {
  const { firestoreSigningSecretStore } = await import("./adapters/webhooks/secretStore.js");
  return core.bound(firestoreSigningSecretStore(core.db, core.deps.keyRing));
}

/** For the dashboard function: the delivery log, test events, retries and signing secrets. */
export async function buildWebhookDashboardDeps(
  core: WebhookCore,
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
export async function buildWebhookWorkerDeps(core: WebhookCore, config: RuntimeConfig): Promise<WorkerDeps> {
  const { createWebhookHttpClient } = await import("./adapters/webhooks/httpClient.js");
  const base = await enqueueDeps(core, config);
  // Suspension stops deliveries within 5 s, the same bound as event ingest and API keys.
  const accountsActive = new TtlCache<boolean>(5_000, 50_000, base.clock);
  return {
    instances: core.instances,
    deliveries: base.deliveries,
    tasks: base.tasks,
    secrets: await signingSecrets(core),
    sender: createWebhookHttpClient({ mode: base.mode }),
    keyRing: base.keyRing,
    clock: base.clock,
    schedule: { scale: scheduleScale(config), random: Math.random },
    logs: base.logs,
    sleep: (ms) => sleep(ms),
    accountActive: (accountId) =>
      accountsActive.getOrLoad(
        accountId,
        async () => (await core.deps.store.getAccount(accountId))?.status === "active",
      ),
  };
}
