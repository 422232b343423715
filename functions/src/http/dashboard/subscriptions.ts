import type { Hono } from "hono";
import { planFor } from "../../core/accounts.js";
import { ApiError } from "../../core/errors.js";
import type { InstanceDeps } from "../../core/instanceService.js";
import { pageQuery } from "../../core/instances.js";
import { listSubscriptions } from "../../core/subscriptionService.js";
import { describeIssues } from "../common/body.js";
import type { DashboardDeps } from "./deps.js";
import { type DashboardEnv, requireSession, sessionOf } from "./sessionAuth.js";

// The plan view's subscriptions (WSAPI's GET /account/subscriptions for the signed-in owner); a
// suspended account still reads them.
export function registerSubscriptions(
  app: Hono<DashboardEnv>,
  deps: DashboardDeps,
  instanceDeps: InstanceDeps,
) {
  app.get("/v1/account/subscriptions", requireSession(deps), async (c) => {
    const query = pageQuery.safeParse(c.req.query());
    if (!query.success) throw new ApiError("VALIDATION", describeIssues(query.error));
    const account = await deps.store.getAccount(sessionOf(c).uid);
    if (!account) throw new ApiError("NOT_FOUND", "No account for this user.");
    const owner = { accountId: account.uid, plan: await planFor(deps.store, account.planId) };
    return c.json(await listSubscriptions(instanceDeps, owner, query.data));
  });
}
