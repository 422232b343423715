import { SMALL_BODY_MAX_BYTES } from "@wsapi/contracts/instance-api";
import type { Context, Hono } from "hono";
import { ApiError } from "../../core/errors.js";
import { instanceIdSchema } from "../../core/instances.js";
import { parseJsonBody } from "../common/body.js";
import { forwardToInstance, requireRunning } from "../common/instanceForward.js";
import { requireApiKey } from "./auth.js";
import type { ApiDeps } from "./deps.js";
import { idempotentForward } from "./idempotentForward.js";
import { INSTANCE_PATHS, type InstancePath } from "./instancePaths.js";

async function resolveInstance(c: Context, deps: ApiDeps) {
  const instanceId = c.req.header("x-instance-id");
  if (!instanceId) throw new ApiError("MISSING_INSTANCE_ID", "Send the X-Instance-Id header.");
  const principal = c.get("principal");
  const notFound = () => new ApiError("NOT_FOUND", "No such instance.");
  // An instance key reaches only its own instance; anything else looks exactly like "does not exist".
  if (!instanceIdSchema.safeParse(instanceId).success) throw notFound();
  if (principal.keyKind === "instance" && principal.instanceId !== instanceId) throw notFound();
  const instance = await deps.findInstance(principal.accountId, instanceId);
  if (!instance) throw notFound();
  requireRunning(instance);
  return instance;
}

async function forward(c: Context, deps: ApiDeps, route: InstancePath) {
  const instance = await resolveInstance(c, deps);
  let body: Uint8Array | undefined;
  if (route.body) {
    await parseJsonBody(c, route.body, route.maxBytes ?? SMALL_BODY_MAX_BYTES);
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
  if (key === undefined || route.method === "GET") return forwardToInstance(deps, instance, request);
  return idempotentForward(deps, instance, request, key);
}

/** Registers every WSAPI instance path: key, instance, rate limit, body validation, then forward. */
export function registerInstanceProxy(app: Hono, deps: ApiDeps) {
  const auth = requireApiKey(deps, false);
  for (const route of INSTANCE_PATHS) {
    app.on(route.method, route.path, auth, (c) => forward(c, deps, route));
  }
}
