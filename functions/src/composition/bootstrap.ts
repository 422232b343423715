import type { App } from "firebase-admin/app";
import type { Firestore } from "firebase-admin/firestore";
import type { RuntimeConfig } from "../config.js";
import type { AccountDeps } from "../core/accounts.js";
import { createLogger, logEvents } from "../core/logs.js";
import { systemClock } from "../core/ports/clock.js";
import type { KeyRing } from "../core/ports/keyRing.js";

// What every function builds first, once per cold start: the firebase-admin app, Firestore, the key
// ring and the account and instance stores. SDKs are imported here, lazily, never at module load.

/** HTTP functions answer 503 rather than wait this long on an unreachable Firestore. */
export const HTTP_STORE_DEADLINE_MS = 10_000;

interface CoreOptions {
  /** Bound every store call (request paths); task handlers leave retries to the SDK and Cloud Tasks. */
  storeDeadlineMs?: number;
}

async function buildKeyRing(config: RuntimeConfig): Promise<KeyRing> {
  if (config.emulated) {
    const { parseKeyRing } = await import("../adapters/keyRingLocal.js");
    return parseKeyRing(config.dataKeys);
  }
  const [{ SecretManagerServiceClient }, { secretManagerKeyRing }] = await Promise.all([
    import("@google-cloud/secret-manager"),
    import("../adapters/keyRingSecretManager.js"),
  ]);
  return secretManagerKeyRing(
    new SecretManagerServiceClient(),
    `projects/${config.projectId}/secrets/WSAPI_DATA_KEYS`,
  );
}

let configuredDb: Firestore | undefined;

function firestoreOf(getFirestore: (app: App) => Firestore, app: App): Firestore {
  const db = getFirestore(app);
  if (configuredDb !== db) {
    // gRPC waits up to 120 s between reconnects by default; a restarted or failed-over backend
    // should be used again within seconds.
    db.settings({ "grpc.max_reconnect_backoff_ms": 5_000 });
    configuredDb = db;
  }
  return db;
}

export async function buildCore(config: RuntimeConfig, options: CoreOptions = {}) {
  const [
    { initializeApp, getApps },
    { getFirestore },
    { firestoreAccountStore },
    { firestoreInstanceStore },
    { firestoreSubscriptionStore },
    { withDeadline },
  ] = await Promise.all([
    import("firebase-admin/app"),
    import("firebase-admin/firestore"),
    import("../adapters/firestore/accountStore.js"),
    import("../adapters/firestore/instanceStore.js"),
    import("../adapters/firestore/subscriptionStore.js"),
    import("../adapters/firestore/deadline.js"),
  ]);
  const app = getApps()[0] ?? initializeApp({ projectId: config.projectId });
  const db = firestoreOf(getFirestore, app);
  const { storeDeadlineMs } = options;
  /** Applies the request deadline to a store, when this function has one. */
  const bound = <T extends object>(store: T): T =>
    storeDeadlineMs ? withDeadline(store, storeDeadlineMs) : store;
  const deps: AccountDeps = {
    store: bound(firestoreAccountStore(db)),
    keyRing: await buildKeyRing(config),
    pepper: Buffer.from(config.apiKeyPepper, "utf8"),
    clock: systemClock,
    logs: logEvents(createLogger()),
  };
  return {
    app,
    db,
    bound,
    deps,
    instances: bound(firestoreInstanceStore(db)),
    subscriptions: bound(firestoreSubscriptionStore(db)),
  };
}

export type Core = Awaited<ReturnType<typeof buildCore>>;
