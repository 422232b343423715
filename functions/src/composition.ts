import { hkdfSync } from "node:crypto";
import type { RuntimeConfig } from "./config.js";
import type { AccountDeps } from "./core/accounts.js";
import { createLogger, logEvents } from "./core/logs.js";
import { type KeyRing, systemClock } from "./core/ports.js";
import type { DashboardDeps } from "./http/dashboard/deps.js";

// The one composition root: builds adapters from config once per cold start, lazily,
// so importing the functions entry stays cheap.
async function buildKeyRing(config: RuntimeConfig): Promise<KeyRing> {
  if (config.emulated) {
    const { parseKeyRing } = await import("./adapters/keyRingLocal.js");
    return parseKeyRing(config.dataKeys);
  }
  const [{ SecretManagerServiceClient }, { secretManagerKeyRing }] = await Promise.all([
    import("@google-cloud/secret-manager"),
    import("./adapters/keyRingSecretManager.js"),
  ]);
  return secretManagerKeyRing(
    new SecretManagerServiceClient(),
    `projects/${config.projectId}/secrets/WSAPI_DATA_KEYS`,
  );
}

export async function buildAccountDeps(config: RuntimeConfig) {
  const [{ initializeApp, getApps }, { getFirestore }, { firestoreAccountStore }] = await Promise.all([
    import("firebase-admin/app"),
    import("firebase-admin/firestore"),
    import("./adapters/firestore/accountStore.js"),
  ]);
  const app = getApps()[0] ?? initializeApp({ projectId: config.projectId });
  const db = getFirestore(app);
  const logs = logEvents(createLogger());
  const deps: AccountDeps = {
    store: firestoreAccountStore(db),
    keyRing: await buildKeyRing(config),
    pepper: Buffer.from(config.apiKeyPepper, "utf8"),
    clock: systemClock,
    logs,
  };
  return { app, db, deps };
}

export async function buildDashboardDeps(config: RuntimeConfig): Promise<DashboardDeps> {
  const { app, db, deps } = await buildAccountDeps(config);
  const [{ getAuth }, { firebaseIdentity }, { firestoreSessionStore }] = await Promise.all([
    import("firebase-admin/auth"),
    import("./adapters/identity.js"),
    import("./adapters/firestore/sessionStore.js"),
  ]);
  return {
    ...deps,
    identity: firebaseIdentity(getAuth(app)),
    sessions: firestoreSessionStore(db),
    csrfKey: Buffer.from(hkdfSync("sha256", deps.pepper, Buffer.alloc(0), "wsapi-csrf-v1", 32)),
    sessionTtlMs: config.sessionTtlMs,
    maxSignInAgeMs: 5 * 60_000,
    secureCookies: true,
  };
}
