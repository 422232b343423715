import type { Context, Hono } from "hono";
import { requireActiveAccount } from "../../core/accounts.js";
import { ApiError } from "../../core/errors.js";
import { pageQuery } from "../../core/instances.js";
import {
  enableEndpoint,
  listDeliveries,
  retryDelivery,
  revealSecret,
  rotateSecret,
  sendTestEvent,
  type WebhookDashboardDeps,
} from "../../core/webhooks/dashboard.js";
import { DELIVERY_ID } from "../../core/webhooks/delivery.js";
import { describeIssues } from "../common/body.js";
import type { DashboardDeps } from "./deps.js";
import { type DashboardEnv, requireSession, sessionOf } from "./sessionAuth.js";

// Webhook routes of the dashboard API. Routes under /v1/instances/* rely on the owner middleware
// the instance routes install there (registered first); without it they refuse, never guess.
export function accountOf(c: Context<DashboardEnv>): string {
  const owner = c.get("owner");
  if (!owner) throw new ApiError("UNAUTHENTICATED", "Not signed in.");
  return owner.accountId;
}

export function registerDeliveries(
  app: Hono<DashboardEnv>,
  deps: DashboardDeps & { webhooks: WebhookDashboardDeps },
) {
  const webhooks = deps.webhooks;

  app.get("/v1/instances/:id/deliveries", async (c) => {
    const query = pageQuery.safeParse(c.req.query());
    if (!query.success) throw new ApiError("VALIDATION", describeIssues(query.error));
    return c.json(await listDeliveries(webhooks, accountOf(c), c.req.param("id"), query.data));
  });

  app.post("/v1/instances/:id/webhook/test", async (c) =>
    c.json(await sendTestEvent(webhooks, accountOf(c), c.req.param("id")), 202),
  );

  app.post("/v1/instances/:id/webhook/enable", async (c) => {
    await enableEndpoint(webhooks, accountOf(c), c.req.param("id"));
    return c.body(null, 204);
  });

  app.post("/v1/instances/:id/webhook/secret/reveal", async (c) =>
    c.json(await revealSecret(webhooks, accountOf(c), c.req.param("id"), c.get("requestId"))),
  );

  app.post("/v1/instances/:id/webhook/secret/rotate", async (c) =>
    c.json(await rotateSecret(webhooks, accountOf(c), c.req.param("id"), c.get("requestId"))),
  );

  app.post("/v1/deliveries/:id/retry", requireSession(deps), async (c) => {
    const deliveryId = c.req.param("id");
    // A malformed id gets the same answer as a missing one, or another tenant's.
    if (!DELIVERY_ID.test(deliveryId)) throw new ApiError("NOT_FOUND", "No retryable delivery with this id.");
    // This route is outside /v1/instances/*, so it checks the account itself: suspended → 403.
    await requireActiveAccount(deps.store, sessionOf(c).uid);
    return c.json(await retryDelivery(webhooks, sessionOf(c).uid, deliveryId), 202);
  });
}
