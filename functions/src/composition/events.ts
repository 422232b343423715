import type { RuntimeConfig } from "../config.js";
import { accountActiveCheck } from "../core/accounts.js";
import { runtimeCredentials } from "../core/runtimeCredentials.js";
import { placement } from "../deployment.js";
import type { EventsDeps } from "../http/events/app.js";
import { buildCore, HTTP_STORE_DEADLINE_MS } from "./bootstrap.js";
import { buildMetrics, buildMetricsSink } from "./metrics.js";
import { buildStatsRecorder } from "./stats.js";
import { buildEventLogStore, buildWebhookQueue } from "./webhooks.js";

/** The events function: instance tokens, event ingest into the webhook queue, session state. */
export async function buildEventsDeps(config: RuntimeConfig): Promise<EventsDeps> {
  const core = await buildCore(config, { storeDeadlineMs: HTTP_STORE_DEADLINE_MS });
  const [{ firestoreSessionStateStore }, { firestoreMessageTimelineStore }] = await Promise.all([
    import("../adapters/firestore/sessionStateStore.js"),
    import("../adapters/firestore/messageTimelineStore.js"),
  ]);
  const { clock, keyRing, store } = core.deps;
  return {
    runtimeCredentials: runtimeCredentials({ instances: core.instances, keyRing, clock }),
    ingest: {
      instances: core.instances,
      accountActive: accountActiveCheck(store, clock),
      clock,
      webhooks: await buildWebhookQueue(core, config),
      eventLog: { log: await buildEventLogStore(core), keyRing, clock, retentionMs: config.eventRetentionMs },
      timelines: core.bound(firestoreMessageTimelineStore(core.db)),
      stats: await buildStatsRecorder(core),
    },
    logs: core.deps.logs,
    metrics: await buildMetrics(config, "events"),
    metricsRelay: {
      sink: await buildMetricsSink(config),
      projectId: config.projectId,
      region: placement("events").region,
    },
    sessionStates: core.bound(firestoreSessionStateStore(core.db, keyRing)),
  };
}
