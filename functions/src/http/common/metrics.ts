import type { Env, Hono } from "hono";
import { routePath } from "hono/route";
import type { Metrics } from "../../core/ports/metrics.js";

/**
 * Counts every request by route template (never the raw path, which holds ids) and times it. Runs
 * outside the error handling, so failures are counted with the status their caller got; a 429 the
 * instance answered (forwarded as it is) counts with the code "forwarded".
 */
export function installRequestMetrics<E extends Env>(app: Hono<E>, metrics: Metrics | undefined): void {
  if (!metrics) return;
  app.use(async (c, next) => {
    const started = performance.now();
    await next();
    const status = c.res.status;
    // A request no route matched would report some middleware's path: name it plainly.
    const route = c.get("unmatched") ? "unmatched" : routePath(c);
    metrics.request(route, c.req.method, status, (performance.now() - started) / 1000);
    if (status === 429) metrics.rateLimited(c.get("problemCode") ?? "forwarded", route);
  });
}
