import type { AccountDeps } from "../../core/accounts.js";
import type { Identity, SessionStore } from "../../core/ports/accounts.js";
import type { Metrics } from "../../core/ports/metrics.js";
import type { RateLimitResult } from "../api/deps.js";

export interface DashboardDeps extends AccountDeps {
  identity: Identity;
  sessions: SessionStore;
  /** Key for CSRF tokens (derived from a secret, never the pepper itself). */
  csrfKey: Buffer;
  sessionTtlMs: number;
  /** Sign-ins older than this cannot be exchanged for a session cookie. */
  maxSignInAgeMs: number;
  /** Adds `Secure` to cookies; off only for plain-http local testing tools that need it. */
  secureCookies: boolean;
  /** core/accounts.ts emailVerificationCheck, asking Firebase Authentication while the flag is false. */
  emailVerified(uid: string): Promise<boolean>;
  /** Counts one sign-up attempt from a client address (shared store); absent: no throttle. */
  signupLimit?: (address: string) => Promise<RateLimitResult>;
  /** The client address sign-ups count against (http/common/clientAddress.ts). */
  clientAddress?: (headers: Headers) => string;
  /** Request metrics (absent: none recorded). */
  metrics?: Metrics;
}
