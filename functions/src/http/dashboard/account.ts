import type { Hono } from "hono";
import { accountView, revealAccountKey, rotateAccountKey } from "../../core/accounts.js";
import type { DashboardDeps } from "./deps.js";
import { type DashboardEnv, requireSession, sessionOf } from "./sessionAuth.js";

export function registerAccount(app: Hono<DashboardEnv>, deps: DashboardDeps) {
  const auth = requireSession(deps);

  app.get("/v1/account", auth, async (c) => {
    const view = await accountView(deps, sessionOf(c).uid);
    // While the recorded flag is false, Firebase Authentication decides (and the answer is recorded).
    if (!view.emailVerified) view.emailVerified = await deps.emailVerified(view.uid);
    return c.json(view);
  });

  app.post("/v1/account/api-key/reveal", auth, async (c) => {
    const apiKey = await revealAccountKey(deps, sessionOf(c).uid, c.get("requestId"));
    return c.json({ apiKey });
  });

  app.post("/v1/account/api-key/rotate", auth, async (c) => {
    const apiKey = await rotateAccountKey(deps, sessionOf(c).uid, c.get("requestId"));
    return c.json({ apiKey });
  });
}
