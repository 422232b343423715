import type { Hono } from "hono";
import { deleteCookie } from "hono/cookie";
import { z } from "zod";
import {
  type AccountDeletionDeps,
  requestAccountDeletion,
  runAccountDeletion,
} from "../../core/accountDeletion.js";
import { ApiError } from "../../core/errors.js";
import { parseJsonBody } from "../common/body.js";
import type { DashboardDeps } from "./deps.js";
import { type DashboardEnv, requireSession, SESSION_COOKIE, sessionOf } from "./sessionAuth.js";

const accountDeletionRequest = z.object({ idToken: z.string().min(1).max(8192) });

/**
 * DELETE /v1/account: cookie + CSRF, and a fresh ID token of the same user (signed in at most
 * maxSignInAgeMs ago) in the body. The keys stop working before the answer; the rest of the job
 * (core/accountDeletion.ts) runs before it too, and a repeated request resumes an interrupted one.
 */
export function registerAccountDeletion(
  app: Hono<DashboardEnv>,
  deps: DashboardDeps & Omit<AccountDeletionDeps, "deleteAuthUser" | "clock">,
) {
  const jobDeps: AccountDeletionDeps = {
    ...deps,
    deleteAuthUser: (uid) => deps.identity.deleteUser(uid),
  };
  app.delete("/v1/account", requireSession(deps), async (c) => {
    const session = sessionOf(c);
    const { idToken } = await parseJsonBody(c, accountDeletionRequest);
    const token = await deps.identity.verifyIdToken(idToken);
    if (token.uid !== session.uid) {
      throw new ApiError("UNAUTHENTICATED", "The ID token belongs to another user.");
    }
    if (deps.clock.now() - token.authTime * 1000 > deps.maxSignInAgeMs) {
      throw new ApiError("UNAUTHENTICATED", "Sign in again: the sign-in is older than 5 minutes.");
    }
    await requestAccountDeletion(jobDeps, session.uid);
    await runAccountDeletion(jobDeps, session.uid);
    deleteCookie(c, SESSION_COOKIE, {
      path: "/",
      secure: deps.secureCookies,
      httpOnly: true,
      sameSite: "Strict",
    });
    return c.json({ status: "deleting" }, 202);
  });
}
