// Composition of the instance API. Every dependency comes in as an argument, so tests build the
// app in-process with real or fake adapters.

import { MEDIA_BODY_MAX_BYTES, SMALL_BODY_MAX_BYTES } from "@wsapi/contracts/instance-api";
import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import type { CryptoKey } from "jose";
import { gatewayAuth } from "./http/auth.js";
import { problemErrorHandler } from "./http/errors.js";
import { problemResponse } from "./http/problem.js";
import type { InstanceLogs } from "./logs.js";
import type { MediaFetcher } from "./net/media-fetcher.js";
import { registerCallRoutes } from "./routes/calls.js";
import { registerChatRoutes } from "./routes/chats.js";
import { registerContactRoutes } from "./routes/contacts.js";
import { registerGroupRoutes } from "./routes/groups.js";
import { registerMediaRoutes } from "./routes/media.js";
import { registerMessageActionRoutes } from "./routes/message-actions.js";
import { registerMessageRoutes } from "./routes/messages.js";
import { registerSessionRoutes } from "./routes/session.js";
import { registerUserRoutes } from "./routes/users.js";
import type { WhatsAppTransport } from "./transport/port.js";

export interface AppDependencies {
  instanceId: string;
  /** The gateway's ES256 public key. */
  gatewayKey: CryptoKey;
  transport: WhatsAppTransport;
  mediaFetcher: MediaFetcher;
  logs: InstanceLogs;
}

const MEDIA_SEND_PATH = /^\/messages\/(image|video|audio|voice|document|sticker)$/;

export function createApp(deps: AppDependencies): Hono {
  const app = new Hono();
  // Liveness only: no instance id, no state, no auth.
  app.get("/healthz", (c) => c.json({ status: "ok" }));

  app.use("*", gatewayAuth(deps.instanceId, deps.gatewayKey, deps.logs));
  const tooLarge = () => problemResponse("payload-too-large", "request body is too large");
  const smallBody = bodyLimit({ maxSize: SMALL_BODY_MAX_BYTES, onError: tooLarge });
  const mediaBody = bodyLimit({ maxSize: MEDIA_BODY_MAX_BYTES, onError: tooLarge });
  app.use("*", (c, next) => (MEDIA_SEND_PATH.test(c.req.path) ? mediaBody(c, next) : smallBody(c, next)));

  registerSessionRoutes(app, deps);
  registerMessageRoutes(app, deps);
  registerMessageActionRoutes(app, deps);
  registerChatRoutes(app, deps);
  registerContactRoutes(app, deps);
  registerUserRoutes(app, deps);
  registerGroupRoutes(app, deps);
  registerMediaRoutes(app, deps);
  registerCallRoutes(app, deps);

  app.notFound(() => problemResponse("not-found", "no such route"));
  app.onError(problemErrorHandler(deps.logs));
  return app;
}
