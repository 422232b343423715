import type { Hono } from "hono";
import { z } from "zod";
import { ApiError } from "../../core/errors.js";
import { nextEvents, streamKeyOf } from "../../core/eventLog.js";
import type { InstanceStore } from "../../core/ports/instances.js";
import { describeIssues } from "../common/body.js";
import type { EventStreamDeps } from "../common/eventStream.js";
import { accountOf } from "./deliveries.js";
import type { DashboardEnv } from "./sessionAuth.js";

// GET /v1/instances/:id/events: the dashboard's live event monitor. The same event log and order as
// GET /events/stream, as a long poll instead of a stream, because Firebase Hosting's rewrite to the
// dashboard function buffers a streamed response until it ends (firebase-tools#9774). The cursor is
// opaque to the browser: without one, the answer is the current end of the log, at once.
const FeedQuery = z.object({
  cursor: z
    .string()
    .regex(/^\d{1,17}$/, "must be a cursor from an earlier answer")
    .optional(),
  waitMs: z.coerce.number().int().min(0).max(25_000).default(20_000),
});

const PAGE = 50;

export function registerEventFeed(
  app: Hono<DashboardEnv>,
  deps: { eventFeed: EventStreamDeps; webhooks: { instances: Pick<InstanceStore, "get"> } },
) {
  app.get("/v1/instances/:id/events", async (c) => {
    const feed = deps.eventFeed;
    const instance = await deps.webhooks.instances.get(accountOf(c), c.req.param("id"));
    if (!instance) throw new ApiError("NOT_FOUND", "No such instance.");
    const query = FeedQuery.safeParse(c.req.query());
    if (!query.success) throw new ApiError("VALIDATION", describeIssues(query.error));
    const stream = streamKeyOf(instance.accountId, instance.instanceId);
    if (query.data.cursor === undefined) {
      return c.json({ events: [], cursor: String(await feed.log.lastSeq(stream)) });
    }
    let afterSeq = Number(query.data.cursor);
    const deadline = feed.clock.now() + query.data.waitMs;
    for (;;) {
      const page = await nextEvents(feed, stream, afterSeq, PAGE);
      afterSeq = page.afterSeq;
      if (page.events.length > 0 || page.more || feed.clock.now() >= deadline) {
        const events = page.events.map((event) => JSON.parse(event.data) as unknown);
        return c.json({ events, cursor: String(afterSeq) });
      }
      await new Promise((resolve) => setTimeout(resolve, Math.min(feed.pollMs, deadline - feed.clock.now())));
    }
  });
}
