import type { Hono } from "hono";
import { createApiApp } from "../../functions/src/http/api/app.js";
import { createDashboardApp } from "../../functions/src/http/dashboard/app.js";

// The routes tests iterate, read from the apps themselves (Hono's route list; building an app
// calls none of its dependencies), so a route added to an app is covered without a second list.
export interface AppRoute {
  method: string;
  /** Hono's template: `:id` for an instance id, other `:name`s for other parameters. */
  path: string;
}

function routesOf(app: Pick<Hono, "routes">): AppRoute[] {
  const seen = new Map<string, AppRoute>();
  for (const { method, path } of app.routes) {
    // Middleware entries (`ALL`, `*`) are not routes; a route with middleware is listed once per handler.
    if (method !== "ALL" && !path.includes("*")) seen.set(`${method} ${path}`, { method, path });
  }
  return [...seen.values()];
}

const dashboard = routesOf(createDashboardApp({} as never));
const PUBLIC_DASHBOARD = new Set(["GET /v1/healthz", "POST /v1/signup", "POST /v1/session"]);

/** Dashboard routes behind the session cookie. */
export const DASHBOARD_ROUTES = dashboard.filter(
  ({ method, path }) => !PUBLIC_DASHBOARD.has(`${method} ${path}`),
);

/** The gateway's account routes (instance management with the account key). */
export const GATEWAY_ACCOUNT_PATHS = routesOf(createApiApp({} as never)).filter(({ path }) =>
  path.startsWith("/account/"),
);
