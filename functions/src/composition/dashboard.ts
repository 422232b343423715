import { hkdfSync } from "node:crypto";
import type { RuntimeConfig } from "../config.js";
import { emailVerificationCheck } from "../core/accounts.js";
import type { InstanceDeps } from "../core/instanceService.js";
import type { AccountDeletionStore } from "../core/ports/accounts.js";
import { TtlCache } from "../core/ttlCache.js";
import type { WebhookDashboardDeps } from "../core/webhooks/dashboard.js";
import type { EventStreamDeps } from "../http/common/eventStream.js";
import type { ForwardDeps } from "../http/common/instanceForward.js";
import type { DashboardDeps } from "../http/dashboard/deps.js";
import { buildCore, HTTP_STORE_DEADLINE_MS } from "./bootstrap.js";
import { buildInstanceAccess, buildInstanceDeps } from "./instances.js";
import { buildLimits } from "./limits.js";
import { buildMetrics } from "./metrics.js";
import { buildEventStreamDeps, buildWebhookDashboardDeps } from "./webhooks.js";

/** The dashboard function: Firebase Auth sessions, instances, webhooks and pairing. */
export async function buildDashboardDeps(config: RuntimeConfig): Promise<
  DashboardDeps & {
    instanceDeps: InstanceDeps;
    webhooks: WebhookDashboardDeps;
    instanceAccess: ForwardDeps;
    accountDeletions: AccountDeletionStore;
    eventFeed: EventStreamDeps;
  }
> {
  const core = await buildCore(config, { storeDeadlineMs: HTTP_STORE_DEADLINE_MS });
  const [{ getAuth }, { firebaseIdentity }, { firestoreSessionStore }, { firestoreAccountDeletionStore }] =
    await Promise.all([
      import("firebase-admin/auth"),
      import("../adapters/identity.js"),
      import("../adapters/firestore/sessionStore.js"),
      import("../adapters/firestore/accountDeletionStore.js"),
    ]);
  const limits = await buildLimits(config, core);
  const identity = firebaseIdentity(getAuth(core.app));
  // The dashboard (Auth admin rights) asks Firebase Authentication while the recorded flag is false;
  // a "not verified" answer is remembered for 5 s per account.
  const emailVerified = emailVerificationCheck(core.deps.store, {
    emailVerified: (uid) => identity.emailVerified(uid),
    misses: new TtlCache<true>(5_000, 50_000, core.deps.clock),
  });
  return {
    ...core.deps,
    identity,
    emailVerified,
    sessions: core.bound(firestoreSessionStore(core.db)),
    csrfKey: Buffer.from(hkdfSync("sha256", core.deps.pepper, Buffer.alloc(0), "wsapi-csrf-v1", 32)),
    sessionTtlMs: config.sessionTtlMs,
    maxSignInAgeMs: 5 * 60_000,
    secureCookies: true,
    signupLimit: limits.limiters.signupLimiter(limits.factory, config.signupLimit),
    clientAddress: limits.clientAddress,
    instanceDeps: await buildInstanceDeps(core, config, undefined, emailVerified),
    webhooks: await buildWebhookDashboardDeps(core, config),
    instanceAccess: await buildInstanceAccess(config),
    // Not bound to the request deadline: erasing an account's documents takes longer than one read.
    accountDeletions: firestoreAccountDeletionStore(core.db),
    eventFeed: await buildEventStreamDeps(core),
    metrics: await buildMetrics(config, "dashboard"),
  };
}
