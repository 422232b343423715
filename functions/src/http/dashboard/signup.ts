import type { Hono } from "hono";
import { z } from "zod";
import { ensureAccount } from "../../core/accounts.js";
import { ApiError } from "../../core/errors.js";
import { missingPasswordRequirements, PASSWORD_MAX_LENGTH } from "../../core/password.js";
import { parseJsonBody } from "../common/body.js";
import type { DashboardDeps } from "./deps.js";
import type { DashboardEnv } from "./sessionAuth.js";

const signupRequest = z.object({
  email: z.email().max(254),
  password: z.string().max(PASSWORD_MAX_LENGTH),
});

// Password sign-ups happen only here (the beforeUserCreated trigger refuses client-side ones),
// so the policy cannot be bypassed by calling the Auth REST API directly.
export function registerSignup(app: Hono<DashboardEnv>, deps: DashboardDeps) {
  app.post("/v1/signup", async (c) => {
    const { email, password } = await parseJsonBody(c, signupRequest);
    const missing = missingPasswordRequirements(password);
    if (missing.length > 0) {
      deps.logs.signupRefused("weak password");
      throw new ApiError("VALIDATION", `password: must contain ${missing.join(", ")}.`);
    }
    // Counted per client address once the request is well-formed, before Identity Platform is asked
    // (which is what reveals whether the email is taken: 409 below).
    if (deps.signupLimit) {
      const address = deps.clientAddress?.(c.req.raw.headers) ?? "unknown";
      const limit = await deps.signupLimit(address);
      if (!limit.allowed) {
        deps.logs.signupRefused("throttled");
        throw new ApiError("RATE_LIMITED", "Too many sign-ups from your address: try again later.", {
          "retry-after": String(limit.resetSeconds),
        });
      }
    }
    const user = await deps.identity.createPasswordUser(email.toLowerCase(), password);
    await ensureAccount(deps, user.uid, user.email, "password");
    return c.json({ uid: user.uid, email: user.email }, 201);
  });
}
