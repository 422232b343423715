import type { Hono } from "hono";
import { deleteCookie, setCookie } from "hono/cookie";
import { z } from "zod";
import { ensureAccount, recordEmailVerified } from "../../core/accounts.js";
import { ApiError } from "../../core/errors.js";
import { parseJsonBody } from "../common/body.js";
import type { DashboardDeps } from "./deps.js";
import {
  cookieDigest,
  csrfTokenFor,
  type DashboardEnv,
  requireSession,
  SESSION_COOKIE,
  sessionOf,
} from "./sessionAuth.js";

const sessionRequest = z.object({ idToken: z.string().min(1).max(8192) });

export function registerSession(app: Hono<DashboardEnv>, deps: DashboardDeps) {
  app.post("/v1/session", async (c) => {
    const { idToken } = await parseJsonBody(c, sessionRequest);
    const token = await deps.identity.verifyIdToken(idToken);
    if (deps.clock.now() - token.authTime * 1000 > deps.maxSignInAgeMs) {
      throw new ApiError("UNAUTHENTICATED", "Sign in again: the sign-in is older than 5 minutes.");
    }
    // Google and GitHub users get their account in beforeUserCreated; this covers a missed trigger.
    await ensureAccount(deps, token.uid, token.email ?? "", "session", token.emailVerified);
    await recordEmailVerified(deps.store, token.uid, token.emailVerified);
    const cookie = await deps.identity.createSessionCookie(idToken, deps.sessionTtlMs);
    setCookie(c, SESSION_COOKIE, cookie, {
      httpOnly: true,
      secure: deps.secureCookies,
      sameSite: "Strict",
      path: "/",
      maxAge: Math.floor(deps.sessionTtlMs / 1000),
    });
    deps.logs.sessionCreated(token.uid);
    const expiresAt = new Date(deps.clock.now() + deps.sessionTtlMs).toISOString();
    return c.json({ csrfToken: csrfTokenFor(deps.csrfKey, cookie), expiresAt });
  });

  app.get("/v1/session", requireSession(deps), (c) => {
    const session = sessionOf(c);
    return c.json({
      uid: session.uid,
      email: session.email ?? null,
      csrfToken: csrfTokenFor(deps.csrfKey, c.get("sessionCookie")),
      expiresAt: new Date(session.expiresAt).toISOString(),
    });
  });

  app.delete("/v1/session", requireSession(deps), async (c) => {
    const session = sessionOf(c);
    const cookie = c.get("sessionCookie");
    await Promise.all([
      deps.identity.revokeRefreshTokens(session.uid),
      deps.sessions.revokeSession(cookieDigest(cookie), session.expiresAt),
    ]);
    deleteCookie(c, SESSION_COOKIE, {
      path: "/",
      secure: deps.secureCookies,
      httpOnly: true,
      sameSite: "Strict",
    });
    deps.logs.sessionRevoked(session.uid);
    return c.body(null, 204);
  });
}
