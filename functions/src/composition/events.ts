import type { RuntimeConfig } from "../config.js";
import { accountActiveCheck } from "../core/accounts.js";
import { runtimeCredentials } from "../core/runtimeCredentials.js";
import type { EventsDeps } from "../http/events/app.js";
import { buildCore, HTTP_STORE_DEADLINE_MS } from "./bootstrap.js";
import { buildStatsRecorder } from "./stats.js";
import { buildEventLogStore, buildWebhookQueue } from "./webhooks.js";

/** The events function: instance tokens, event ingest into the webhook queue, session state. */
export async function buildEventsDeps(config: RuntimeConfig): Promise<EventsDeps> {
  const core = await buildCore(config, { storeDeadlineMs: HTTP_STORE_DEADLINE_MS });
  const { firestoreSessionStateStore } = await import("../adapters/firestore/sessionStateStore.js");
  const { clock, keyRing, store } = core.deps;
  return {
    runtimeCredentials: runtimeCredentials({ instances: core.instances, keyRing, clock }),
    ingest: {
      instances: core.instances,
      accountActive: accountActiveCheck(store, clock),
      clock,
      webhooks: await buildWebhookQueue(core, config),
      eventLog: { log: await buildEventLogStore(core), keyRing, clock, retentionMs: config.eventRetentionMs },
      stats: await buildStatsRecorder(core),
    },
    logs: core.deps.logs,
    sessionStates: core.bound(firestoreSessionStateStore(core.db, keyRing)),
  };
}
