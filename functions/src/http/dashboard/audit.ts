import type { Hono } from "hono";
import type { DashboardDeps } from "./deps.js";
import { type DashboardEnv, requireSession, sessionOf } from "./sessionAuth.js";

// The owner's audit log (key reveals and rotations, secret rotations), newest first.
const AUDIT_PAGE_SIZE = 50;

export function registerAudit(app: Hono<DashboardEnv>, deps: DashboardDeps) {
  app.get("/v1/account/audit", requireSession(deps), async (c) => {
    const entries = await deps.store.listAudit(sessionOf(c).uid, AUDIT_PAGE_SIZE);
    return c.json({
      items: entries.map((entry) => ({
        action: entry.action,
        at: new Date(entry.at).toISOString(),
        requestId: entry.requestId ?? null,
        target: entry.target ?? null,
      })),
    });
  });
}
