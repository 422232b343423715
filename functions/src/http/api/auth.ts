import { addLogContext } from "@wsapi/contracts/log-context";
import type { Context, MiddlewareHandler } from "hono";
import { ApiError } from "../../core/errors.js";
import type { Principal } from "../../core/keyVerifier.js";
import type { ApiDeps, RateLimitResult } from "./deps.js";

declare module "hono" {
  interface ContextVariableMap {
    principal: Principal;
  }
}

// Headers go onto the final response in place (c.header() would copy it each time).
function setRateHeaders(c: Context, result: RateLimitResult) {
  c.res.headers.set("RateLimit-Limit", String(result.limit));
  c.res.headers.set("RateLimit-Remaining", String(result.remaining));
  c.res.headers.set("RateLimit-Reset", String(result.resetSeconds));
}

/**
 * Verifies X-Api-Key (failed attempts counted per client address), then applies the plan's
 * per-minute limit to the account on the shared store.
 */
export function requireApiKey(deps: ApiDeps, accountKeyOnly: boolean): MiddlewareHandler {
  return async (c, next) => {
    const address = deps.clientAddress?.(c.req.raw.headers) ?? "unknown";
    const principal = await deps.verifier.verify(c.req.header("x-api-key"), address);
    if (accountKeyOnly && principal.keyKind !== "account") {
      throw new ApiError("FORBIDDEN", "Account routes need the account key, not an instance key.");
    }
    const result = await deps.rateLimit(principal.accountId, principal.plan.requestsPerMinute);
    if (!result.allowed) {
      throw new ApiError("RATE_LIMITED", `Your plan allows ${result.limit} requests per minute.`, {
        "retry-after": String(result.resetSeconds),
        "ratelimit-limit": String(result.limit),
        "ratelimit-remaining": "0",
        "ratelimit-reset": String(result.resetSeconds),
      });
    }
    c.set("principal", principal);
    addLogContext({ accountId: principal.accountId });
    c.set("owner", { accountId: principal.accountId, plan: principal.plan });
    await next();
    setRateHeaders(c, result);
  };
}

/** Production answers only over HTTPS (the load balancer sets X-Forwarded-Proto) and pins HSTS. */
export function requireHttps(deps: ApiDeps): MiddlewareHandler {
  return async (c, next) => {
    if (deps.production && c.req.header("x-forwarded-proto") !== "https") {
      throw new ApiError("BAD_REQUEST", "Use HTTPS: plain HTTP is refused.");
    }
    await next();
    // After next(): a header set before it is lost when the handler returns its own Response (forwards).
    if (deps.production) {
      c.res.headers.set("Strict-Transport-Security", "max-age=63072000; includeSubDomains; preload");
    }
  };
}
