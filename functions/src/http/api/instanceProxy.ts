import type { Context, Hono } from "hono";
import { SMALL_BODY_MAX_BYTES } from "../../core/contracts/instance-api.js";
import { ApiError } from "../../core/errors.js";
import { instanceIdSchema } from "../../core/instances.js";
import { parseJsonBody } from "../common/body.js";
import { requireApiKey } from "./auth.js";
import type { ApiDeps } from "./deps.js";
import { INSTANCE_PATHS, type InstancePath } from "./instancePaths.js";

// Headers passed back from the instance; everything else (hop-by-hop, server details) stays behind.
const RESPONSE_HEADERS = ["content-type", "content-length", "content-disposition", "retry-after"];

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
  if (instance.runtime.state !== "running" || !instance.runtime.url) {
    throw new ApiError("UNAVAILABLE", `The instance is ${instance.runtime.state}; try again shortly.`, {
      "retry-after": "5",
    });
  }
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
  const headers: Record<string, string> = {
    authorization: `Bearer ${await deps.signToken(instance.runtimeId)}`,
    "x-request-id": c.get("requestId"),
  };
  if (body) headers["content-type"] = "application/json";
  const response = await deps.forward(`${instance.runtime.url}${url.pathname}${url.search}`, {
    method: route.method,
    headers,
    ...(body ? { body } : {}),
  });
  if (!response) {
    deps.forgetInstance(instance.accountId, instance.instanceId);
    throw new ApiError("UNAVAILABLE", "The instance is not reachable right now; try again shortly.", {
      "retry-after": "5",
    });
  }
  const outgoing = new Headers();
  for (const name of RESPONSE_HEADERS) {
    const value = response.headers.get(name);
    if (value) outgoing.set(name, value);
  }
  return new Response(response.body, { status: response.status, headers: outgoing });
}

/** Registers every WSAPI instance path: key, instance, rate limit, body validation, then forward. */
export function registerInstanceProxy(app: Hono, deps: ApiDeps) {
  const auth = requireApiKey(deps, false);
  for (const route of INSTANCE_PATHS) {
    app.on(route.method, route.path, auth, (c) => forward(c, deps, route));
  }
}
