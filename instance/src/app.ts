// Composition of the instance API. Every dependency comes in as an argument, so tests build the
// app in-process with real or fake adapters.

import { Hono } from "hono";
import type { CryptoKey } from "jose";
import type { StageRecorder } from "./events/stage-reporter.js";
import { type GatewaySettings, gatewayAuth } from "./http/auth.js";
import { problemErrorHandler } from "./http/errors.js";
import { type OperationHandlers, registerOperations } from "./http/operations.js";
import { problemResponse, requestIds } from "./http/problem.js";
import type { InstanceLogs } from "./logs.js";
import type { MediaFetcher } from "./net/media-fetcher.js";
import { callHandlers } from "./routes/calls.js";
import { chatHandlers } from "./routes/chats.js";
import { communityHandlers } from "./routes/communities.js";
import { contactHandlers } from "./routes/contacts.js";
import { groupHandlers } from "./routes/groups.js";
import { mediaHandlers } from "./routes/media.js";
import { messageActionHandlers } from "./routes/message-actions.js";
import { messageHandlers } from "./routes/messages.js";
import { newsletterHandlers } from "./routes/newsletters.js";
import { sendQueueHandlers } from "./routes/send-queue.js";
import { sessionHandlers } from "./routes/session.js";
import { statusHandlers } from "./routes/status.js";
import { userHandlers } from "./routes/users.js";
import type { SendQueue } from "./sending/send-queue.js";
import type { WhatsAppTransport } from "./transport/port.js";

export interface AppDependencies {
  instanceId: string;
  /** The gateway's ES256 public key. */
  gatewayKey: CryptoKey;
  transport: WhatsAppTransport;
  mediaFetcher: MediaFetcher;
  logs: InstanceLogs;
  /** Paced sends wait here (our extension). */
  sendQueue: SendQueue;
  /** Updated from every gateway token; the transport reads `historySync` at pairing. */
  gatewaySettings?: GatewaySettings;
  /** Reports the send-side stages of message timelines (events/stage-reporter.ts). */
  recordStage?: StageRecorder;
}

export function createApp(deps: AppDependencies): Hono {
  const app = new Hono();
  // Liveness only: no instance id, no state, no auth.
  app.get("/healthz", (c) => c.json({ status: "ok" }));

  app.use("*", requestIds());
  app.use("*", gatewayAuth(deps.instanceId, deps.gatewayKey, deps.logs, deps.gatewaySettings));
  const handlers: OperationHandlers = {
    ...sessionHandlers(deps),
    ...messageHandlers(deps),
    ...sendQueueHandlers(deps),
    ...messageActionHandlers(deps),
    ...chatHandlers(deps),
    ...contactHandlers(deps),
    ...userHandlers(deps),
    ...groupHandlers(deps),
    ...mediaHandlers(deps),
    ...callHandlers(deps),
    ...statusHandlers(deps),
    ...newsletterHandlers(deps),
    ...communityHandlers(deps),
  };
  registerOperations(app, handlers, deps.transport);

  app.notFound((c) => problemResponse(c, "NOT_FOUND", "no such route"));
  app.onError(problemErrorHandler(deps.logs));
  return app;
}
