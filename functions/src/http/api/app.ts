import { Hono } from "hono";
import { installErrorHandling } from "../common/problem.js";
import { registerInstanceRoutes } from "../instances/routes.js";
import { requireApiKey, requireHttps } from "./auth.js";
import type { ApiDeps } from "./deps.js";
import { registerInstanceProxy } from "./instanceProxy.js";
import { registerReference } from "./reference/routes.js";

export function createApiApp(deps: ApiDeps) {
  const app = new Hono();
  installErrorHandling(app, deps.logs);
  app.use(requireHttps(deps));
  app.get("/healthz", (c) => c.json({ ok: true }));
  registerReference(app);
  registerInstanceRoutes(app, "/account/instances", requireApiKey(deps, true), deps.instanceDeps);
  registerInstanceProxy(app, deps);
  return app;
}
