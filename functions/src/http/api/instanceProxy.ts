import { addLogContext } from "@wsapi/contracts/log-context";
import { INSTANCE_ROUTES, type InstanceRoute } from "@wsapi/contracts/routes";
import type { Context, Hono } from "hono";
import { ApiError } from "../../core/errors.js";
import { type Instance, instanceIdSchema } from "../../core/instances.js";
import { readTimeline } from "../../core/messageTimeline.js";
import { parseJsonBody } from "../common/body.js";
import { streamEvents } from "../common/eventStream.js";
import { forwardToInstance, requireRunning } from "../common/instanceForward.js";
import { requireApiKey } from "./auth.js";
import type { ApiDeps } from "./deps.js";
import { idempotentForward } from "./idempotentForward.js";
import { countApiSend } from "./sendStats.js";

async function resolveInstance(c: Context, deps: ApiDeps, running = true) {
  const instanceId = c.req.header("x-instance-id");
  if (!instanceId) throw new ApiError("MISSING_INSTANCE_ID", "Send the X-Instance-Id header.");
  const principal = c.get("principal");
  const notFound = () => new ApiError("NOT_FOUND", "No such instance.");
  // An instance key reaches only its own instance; anything else looks exactly like "does not exist".
  if (!instanceIdSchema.safeParse(instanceId).success) throw notFound();
  if (principal.keyKind === "instance" && principal.instanceId !== instanceId) throw notFound();
  const instance = await deps.findInstance(principal.accountId, instanceId);
  if (!instance) throw notFound();
  addLogContext({ instanceId });
  if (running) requireRunning(instance);
  return instance;
}

async function forward(c: Context, deps: ApiDeps, route: InstanceRoute) {
  const instance = await resolveInstance(c, deps);
  let body: Uint8Array | undefined;
  if (route.request) {
    await parseJsonBody(c, route.request, route.maxBytes);
    body = new Uint8Array(await c.req.arrayBuffer());
  }
  const url = new URL(c.req.url);
  const request = {
    method: route.method,
    pathAndQuery: `${url.pathname}${url.search}`,
    requestId: c.get("requestId"),
    ...(body ? { body } : {}),
  };
  const key = c.req.header("idempotency-key");
  const response =
    key === undefined || route.method === "GET"
      ? await forwardToInstance(deps, instance, request)
      : await idempotentForward(deps, instance, request, key);
  await countApiSend(deps.stats, instance, route, response, request.requestId);
  return response;
}

/** Operations the gateway serves itself (state `gateway` in the route table): they need no runtime. */
const GATEWAY_HANDLERS: Record<string, (c: Context, deps: ApiDeps, instance: Instance) => Promise<Response>> =
  {
    streamEvents: (c, deps, instance) => streamEvents(c, deps.eventStream, instance),
    getMessageTimeline: async (c, deps, instance) => {
      const timeline = await readTimeline(deps.timelines, instance, c.req.param("messageId") ?? "");
      if (!timeline) throw new ApiError("NOT_FOUND", "No timeline for this message.");
      return c.json(timeline);
    },
  };

/**
 * Registers every WSAPI instance operation of the route table, in its order (literal segments before
 * parameters): key, rate limit, instance, then body validation and forward;
 * a gateway operation runs its handler here.
 */
export function registerInstanceProxy(app: Hono, deps: ApiDeps) {
  const auth = requireApiKey(deps, false);
  for (const route of INSTANCE_ROUTES) {
    if (route.state === "gateway") {
      const handler = GATEWAY_HANDLERS[route.operationId];
      if (!handler) throw new Error(`no gateway handler for ${route.operationId}`);
      app.on(route.method, route.path, auth, async (c) =>
        handler(c, deps, await resolveInstance(c, deps, false)),
      );
      continue;
    }
    app.on(route.method, route.path, auth, (c) => forward(c, deps, route));
  }
}
