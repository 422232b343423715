import { Hono } from "hono";
import { planFor, requireActiveAccount } from "../../core/accounts.js";
import type { InstanceDeps } from "../../core/instanceService.js";
import type { AccountDeletionStore } from "../../core/ports/accounts.js";
import type { WebhookDashboardDeps } from "../../core/webhooks/dashboard.js";
import type { EventStreamDeps } from "../common/eventStream.js";
import type { ForwardDeps } from "../common/instanceForward.js";
import { installRequestMetrics } from "../common/metrics.js";
import { installErrorHandling } from "../common/problem.js";
import { registerInstanceRoutes } from "../instances/routes.js";
import { registerAccount } from "./account.js";
import { registerAccountDeletion } from "./accountDeletion.js";
import { registerAudit } from "./audit.js";
import { registerDeliveries } from "./deliveries.js";
import type { DashboardDeps } from "./deps.js";
import { registerEventFeed } from "./eventFeed.js";
import { registerPairing } from "./pairing.js";
import { registerSession } from "./session.js";
import { type DashboardEnv, requireSession } from "./sessionAuth.js";
import { registerSignup } from "./signup.js";
import { registerSubscriptions } from "./subscriptions.js";

export function createDashboardApp(
  deps: DashboardDeps & {
    instanceDeps: InstanceDeps;
    webhooks: WebhookDashboardDeps;
    instanceAccess: ForwardDeps;
    accountDeletions: AccountDeletionStore;
    eventFeed: EventStreamDeps;
  },
) {
  const app = new Hono<DashboardEnv>();
  installRequestMetrics(app, deps.metrics);
  installErrorHandling(app, deps.logs);
  app.get("/v1/healthz", (c) => c.json({ ok: true }));
  registerSignup(app, deps);
  registerSession(app, deps);
  registerAccount(app, deps);
  registerAccountDeletion(app, deps);
  registerAudit(app, deps);
  registerSubscriptions(app, deps, deps.instanceDeps);
  const session = requireSession(deps);
  registerInstanceRoutes<DashboardEnv>(
    app,
    "/v1/instances",
    (c, next) =>
      session(c, async () => {
        const account = await requireActiveAccount(deps.store, c.get("session").uid);
        c.set("owner", { accountId: account.uid, plan: await planFor(deps.store, account.planId) });
        await next();
      }),
    async () => deps.instanceDeps,
    { revealRoute: true },
  );
  registerPairing(app, deps.instanceDeps, deps.instanceAccess);
  registerDeliveries(app, deps);
  registerEventFeed(app, deps);
  return app;
}
