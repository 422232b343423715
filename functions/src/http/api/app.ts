import { Hono } from "hono";
import { installRequestMetrics } from "../common/metrics.js";
import { installErrorHandling } from "../common/problem.js";
import { registerInstanceRoutes } from "../instances/routes.js";
import { requireApiKey, requireHttps } from "./auth.js";
import type { ApiDeps } from "./deps.js";
import { registerInstanceProxy } from "./instanceProxy.js";
import { registerReference } from "./reference/routes.js";
import { registerSubscriptionRoutes } from "./subscriptions.js";

export function createApiApp(deps: ApiDeps) {
  const app = new Hono();
  installRequestMetrics(app, deps.metrics);
  installErrorHandling(app, deps.logs);
  app.use(requireHttps(deps));
  app.get("/healthz", (c) => c.json({ ok: true }));
  registerReference(app);
  const accountKey = requireApiKey(deps, true);
  registerInstanceRoutes(app, "/account/instances", accountKey, deps.instanceDeps);
  registerSubscriptionRoutes(app, accountKey, deps.instanceDeps);
  registerInstanceProxy(app, deps);
  return app;
}
