import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import { addLogContext } from "@wsapi/contracts/log-context";
import type { Context, MiddlewareHandler } from "hono";
import { getCookie } from "hono/cookie";
import { ApiError } from "../../core/errors.js";
import type { VerifiedSession } from "../../core/ports/accounts.js";
import type { AppEnv } from "../common/problem.js";
import type { DashboardDeps } from "./deps.js";

// Firebase Hosting forwards only the cookie named __session to functions.
export const SESSION_COOKIE = "__session";

export type DashboardEnv = AppEnv & {
  Variables: AppEnv["Variables"] & { session: VerifiedSession; sessionCookie: string };
};

export function cookieDigest(cookie: string): string {
  return createHash("sha256").update(cookie).digest("hex");
}

/** Stateless CSRF token bound to one session cookie: nothing to store, useless with another cookie. */
export function csrfTokenFor(csrfKey: Buffer, cookie: string): string {
  return createHmac("sha256", csrfKey).update(cookie).digest("base64url");
}

function sameToken(expected: string, given: string | undefined): boolean {
  if (!given) return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

async function verifySession(deps: DashboardDeps, cookie: string | undefined): Promise<VerifiedSession> {
  if (!cookie) throw new ApiError("UNAUTHENTICATED", "Not signed in.");
  const [session, revoked] = await Promise.all([
    deps.identity.verifySessionCookie(cookie),
    deps.sessions.isSessionRevoked(cookieDigest(cookie)),
  ]);
  if (revoked) throw new ApiError("UNAUTHENTICATED", "Not signed in, or the session was revoked.");
  return session;
}

/** Every request re-verifies the cookie with checkRevoked; mutations also need X-CSRF-Token. */
export function requireSession(deps: DashboardDeps): MiddlewareHandler<DashboardEnv> {
  return async (c, next) => {
    const cookie = getCookie(c, SESSION_COOKIE);
    const session = await verifySession(deps, cookie);
    const method = c.req.method;
    if (
      method !== "GET" &&
      method !== "HEAD" &&
      !sameToken(csrfTokenFor(deps.csrfKey, cookie!), c.req.header("x-csrf-token"))
    ) {
      throw new ApiError("CSRF", "Send the X-CSRF-Token header from GET /v1/session.");
    }
    c.set("session", session);
    addLogContext({ accountId: session.uid });
    c.set("sessionCookie", cookie!);
    await next();
  };
}

export function sessionOf(c: Context<DashboardEnv>): VerifiedSession {
  return c.get("session");
}
