import { EVENTS_PATH, EventBatch } from "@wsapi/contracts/events";
import { SESSION_STATE_PATH, SessionStateBody } from "@wsapi/contracts/instance-api";
import { MESSAGE_STAGES_PATH, MessageStageBatch } from "@wsapi/contracts/message-timeline";
import { Hono } from "hono";
import { ApiError } from "../../core/errors.js";
import { type IngestDeps, ingestEvents } from "../../core/eventIngest.js";
import type { LogEvents } from "../../core/logs.js";
import { recordSendStages } from "../../core/messageTimeline.js";
import type { Metrics } from "../../core/ports/metrics.js";
import { parseJsonBody } from "../common/body.js";
import { installRequestMetrics } from "../common/metrics.js";
import { installErrorHandling } from "../common/problem.js";
import { type InstanceAuthDeps, requireInstanceToken } from "./instanceAuth.js";
import { type MetricsRelayDeps, registerMetricsRelay } from "./metricsRelay.js";

// Firestore documents hold at most 1 MiB; WhatsApp auth state is far smaller in practice.
const SESSION_STATE_LIMIT = 900 * 1024;
const EVENTS_BODY_LIMIT = 4 * 1024 * 1024;
const STAGES_BODY_LIMIT = 256 * 1024;

export interface EventsDeps extends InstanceAuthDeps {
  ingest: IngestDeps;
  logs: LogEvents;
  metrics?: Metrics;
  metricsRelay: MetricsRelayDeps;
  sessionStates: {
    get(runtimeId: string): Promise<string | undefined>;
    put(runtimeId: string, state: string): Promise<void>;
  };
}

/** The control plane side of an instance: its events, its WhatsApp session state and its metrics. */
export function createEventsApp(deps: EventsDeps) {
  const app = new Hono();
  installRequestMetrics(app, deps.metrics);
  installErrorHandling(app, deps.logs);
  app.use("/v1/*", requireInstanceToken(deps));

  app.post(EVENTS_PATH, async (c) => {
    const batch = await parseJsonBody(c, EventBatch, EVENTS_BODY_LIMIT);
    const result = await ingestEvents(deps.ingest, c.get("instance"), batch.events);
    deps.metrics?.eventsIngested(result.accepted);
    deps.logs.eventsIngested(batch.events, result.deliverable);
    return c.json(result, 202);
  });

  // Send-side stages of the instance's messages (core/messageTimeline.ts); ids and times only.
  app.post(MESSAGE_STAGES_PATH, async (c) => {
    const { stages } = await parseJsonBody(c, MessageStageBatch, STAGES_BODY_LIMIT);
    const { timelines, clock } = deps.ingest;
    if (timelines) await recordSendStages({ timelines, clock }, c.get("instance"), stages);
    return c.body(null, 204);
  });

  app.get(SESSION_STATE_PATH, async (c) => {
    const state = await deps.sessionStates.get(c.get("instance").runtimeId);
    if (state === undefined) throw new ApiError("NOT_FOUND", "No session state stored.");
    return c.json({ state });
  });

  app.put(SESSION_STATE_PATH, async (c) => {
    const { state } = await parseJsonBody(c, SessionStateBody, SESSION_STATE_LIMIT + 1024);
    if (state.length > SESSION_STATE_LIMIT)
      throw new ApiError("PAYLOAD_TOO_LARGE", "Session state too large.");
    await deps.sessionStates.put(c.get("instance").runtimeId, state);
    return c.body(null, 204);
  });
  registerMetricsRelay(app, deps.metricsRelay);
  return app;
}
