import { Hono } from "hono";
import { installErrorHandling } from "../common/problem.js";
import { registerAccount } from "./account.js";
import type { DashboardDeps } from "./deps.js";
import { registerSession } from "./session.js";
import type { DashboardEnv } from "./sessionAuth.js";
import { registerSignup } from "./signup.js";

export function createDashboardApp(deps: DashboardDeps) {
  const app = new Hono<DashboardEnv>();
  installErrorHandling(app, deps.logs);
  app.get("/v1/healthz", (c) => c.json({ ok: true }));
  registerSignup(app, deps);
  registerSession(app, deps);
  registerAccount(app, deps);
  return app;
}
