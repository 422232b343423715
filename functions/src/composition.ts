import { hkdfSync } from "node:crypto";
import type { App } from "firebase-admin/app";
import type { Firestore } from "firebase-admin/firestore";
import type { RuntimeConfig } from "./config.js";
import { type AccountDeps, emailVerificationCheck } from "./core/accounts.js";
import { INSTANCE_SECRETS, type InstanceDeps } from "./core/instanceService.js";
import type { Instance } from "./core/instances.js";
import { ApiKeyVerifier, KEY_CACHE_TTL_MS } from "./core/keyVerifier.js";
import { createLogger, logEvents } from "./core/logs.js";
import { systemClock } from "./core/ports/clock.js";
import type { Provisioner } from "./core/ports/instances.js";
import type { KeyRing } from "./core/ports/keyRing.js";
import type { InstanceRuntime } from "./core/ports/runtime.js";
import type { ProvisioningDeps } from "./core/provisioning.js";
import { TtlCache } from "./core/ttlCache.js";
import type { WebhookDashboardDeps } from "./core/webhooks/dashboard.js";
import { queueName } from "./deployment.js";
import type { ApiDeps } from "./http/api/deps.js";
import type { ForwardDeps } from "./http/common/instanceForward.js";
import type { DashboardDeps } from "./http/dashboard/deps.js";
import type { EventsDeps } from "./http/events/app.js";
import { buildWebhookDashboardDeps, buildWebhookQueue } from "./webhookComposition.js";

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

/** HTTP functions answer 503 rather than wait this long on an unreachable Firestore. */
export const HTTP_STORE_DEADLINE_MS = 10_000;

export interface CoreOptions {
  /** Bound every store call (request paths); task handlers leave retries to the SDK and Cloud Tasks. */
  storeDeadlineMs?: number;
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

export async function buildAccountDeps(config: RuntimeConfig, options: CoreOptions = {}) {
  const [
    { initializeApp, getApps },
    { getFirestore },
    { firestoreAccountStore },
    { firestoreInstanceStore },
    { withDeadline },
  ] = await Promise.all([
    import("firebase-admin/app"),
    import("firebase-admin/firestore"),
    import("./adapters/firestore/accountStore.js"),
    import("./adapters/firestore/instanceStore.js"),
    import("./adapters/firestore/deadline.js"),
  ]);
  const app = getApps()[0] ?? initializeApp({ projectId: config.projectId });
  const db = firestoreOf(getFirestore, app);
  const { storeDeadlineMs } = options;
  const bound = <T extends object>(store: T): T =>
    storeDeadlineMs ? withDeadline(store, storeDeadlineMs) : store;
  const deps: AccountDeps = {
    store: bound(firestoreAccountStore(db)),
    keyRing: await buildKeyRing(config),
    pepper: Buffer.from(config.apiKeyPepper, "utf8"),
    clock: systemClock,
    logs: logEvents(createLogger()),
  };
  return { app, db, bound, deps, instances: bound(firestoreInstanceStore(db)) };
}

type Core = Awaited<ReturnType<typeof buildAccountDeps>>;

/**
 * Rate limits on the shared Redis (WSAPI_REDIS_URL; memory only when unset, which only the emulators
 * allow) and the client address they count. Behind Google's load balancer (api) and Hosting
 * (dashboard) one proxy address follows the client's in X-Forwarded-For; locally none does.
 */
async function buildLimits(config: RuntimeConfig, core: Core) {
  const [limiters, { clientAddress }] = await Promise.all([
    import("./adapters/rateLimiter.js"),
    import("./http/common/clientAddress.js"),
  ]);
  const client = config.redisUrl
    ? await limiters.redisClient(config.redisUrl, config.redisAuth, 2_000)
    : null;
  const factory = limiters.limiterFactory({
    client,
    logs: core.deps.logs,
    addressSecret: Buffer.from(hkdfSync("sha256", core.deps.pepper, Buffer.alloc(0), "wsapi-address-v1", 32)),
  });
  const trustedHops = config.emulated ? 0 : 1;
  return { limiters, factory, clientAddress: (headers: Headers) => clientAddress(headers, trustedHops) };
}

async function taskProvisioner(core: Core): Promise<Provisioner> {
  const { getFunctions } = await import("firebase-admin/functions");
  const queue = getFunctions(core.app).taskQueue<{ action: string; runtimeId: string; cellId?: string }>(
    queueName("provisioninstance"),
  );
  return {
    provision: (runtimeId) => queue.enqueue({ action: "provision", runtimeId }),
    teardown: (runtimeId, cellId) =>
      queue.enqueue({ action: "teardown", runtimeId, ...(cellId ? { cellId } : {}) }),
    restart: (runtimeId) => queue.enqueue({ action: "restart", runtimeId }),
  };
}

/** What instance deletion needs besides the stores: its job records and the device logout. */
async function deletionDeps(core: Core, config: RuntimeConfig) {
  const [{ firestoreInstanceDeletionStore }, { deviceLogout }] = await Promise.all([
    import("./adapters/firestore/instanceDeletionStore.js"),
    import("./http/common/deviceLogout.js"),
  ]);
  // Built on first use: most cold starts never delete an instance.
  let logout: Promise<ReturnType<typeof deviceLogout>> | undefined;
  return {
    deletions: core.bound(firestoreInstanceDeletionStore(core.db)),
    logoutDevice: async (instance: Instance) => {
      logout ??= buildInstanceAccess(config).then((access) => deviceLogout(access));
      return (await logout)(instance);
    },
  };
}

export async function buildInstanceDeps(
  core: Core,
  config: RuntimeConfig,
  forgetKey?: (digest: string) => void,
  // The gateway has no Firebase Auth rights, so by default only the recorded flag counts.
  emailVerified: InstanceDeps["emailVerified"] = emailVerificationCheck(core.deps.store),
): Promise<InstanceDeps> {
  return {
    instances: core.instances,
    accounts: core.deps.store,
    keyRing: core.deps.keyRing,
    pepper: core.deps.pepper,
    clock: core.deps.clock,
    provisioner: await taskProvisioner(core),
    webhookMode: config.emulated ? "local" : "production",
    emailVerified,
    ...(forgetKey ? { forgetKey } : {}),
    ...(await deletionDeps(core, config)),
  };
}

async function buildRuntime(config: RuntimeConfig): Promise<InstanceRuntime> {
  if (config.runtime === "local") {
    const { localRuntime } = await import("./adapters/localRuntime.js");
    return localRuntime(config.supervisorUrl, config.projectId);
  }
  const { cloudRunRuntimeFromConfig } = await import("./adapters/cloudRunComposition.js");
  return cloudRunRuntimeFromConfig(config);
}

export async function buildProvisioningDeps(config: RuntimeConfig): Promise<ProvisioningDeps> {
  const core = await buildAccountDeps(config);
  const [{ publicJwkOf }, { chooseCell }, { firestoreInstanceDeletionStore }] = await Promise.all([
    import("./adapters/gatewayTokens.js"),
    import("./adapters/cellCounts.js"),
    import("./adapters/firestore/instanceDeletionStore.js"),
  ]);
  const signingJwk = JSON.parse(config.gatewaySigningKey ?? "{}");
  return {
    instances: core.instances,
    runtime: await buildRuntime(config),
    keyRing: core.deps.keyRing,
    clock: core.deps.clock,
    cells: config.cells,
    chooseCell: () => chooseCell(core.db, config.cells),
    logger: createLogger(),
    deletions: firestoreInstanceDeletionStore(core.db),
    baseEnv: {
      WSAPI_GATEWAY_PUBLIC_JWK: JSON.stringify(publicJwkOf(signingJwk)),
      WSAPI_CONTROL_URL: config.eventsUrl,
      WSAPI_TRANSPORT: config.instanceTransport,
      ...(config.simulatorUrl ? { WSAPI_SIMULATOR_URL: config.simulatorUrl } : {}),
    },
  };
}

async function buildInstanceAccess(config: RuntimeConfig): Promise<ForwardDeps> {
  const [{ gatewayTokenSigner }, { instanceForwarder }, { cachedIdTokens, metadataIdTokens }] =
    await Promise.all([
      import("./adapters/gatewayTokens.js"),
      import("./adapters/forwarder.js"),
      import("./adapters/idTokens.js"),
    ]);
  // ID tokens for the instance services' IAM invoker check, from the metadata server: in
  // production this function's own service account; locally the stack's stand-in.
  const idTokens = cachedIdTokens(metadataIdTokens());
  return {
    signToken: await gatewayTokenSigner(JSON.parse(config.gatewaySigningKey ?? "{}")),
    idToken: (audience) => idTokens.get(audience),
    forgetIdToken: (audience) => idTokens.forget(audience),
    forward: instanceForwarder(),
  };
}

export async function buildApiDeps(config: RuntimeConfig): Promise<ApiDeps> {
  const core = await buildAccountDeps(config, { storeDeadlineMs: HTTP_STORE_DEADLINE_MS });
  const limits = await buildLimits(config, core);
  const verifier = new ApiKeyVerifier(
    core.deps.store,
    core.deps.pepper,
    systemClock,
    KEY_CACHE_TTL_MS,
    limits.limiters.authFailureLimiter(limits.factory),
  );
  const instanceDeps = await buildInstanceDeps(core, config, (digest) => verifier.forget(digest));
  // Only runnable instances are cached, so one that just finished provisioning is seen at once.
  const instanceCache = new TtlCache<Instance>(5_000, 50_000, systemClock);
  // A deleted instance is forgotten at once on the server that deleted it.
  instanceDeps.forgetInstance = (accountId, instanceId) => instanceCache.delete(`${accountId}/${instanceId}`);
  return {
    verifier,
    instanceDeps: async () => instanceDeps,
    async findInstance(accountId, instanceId) {
      const cacheKey = `${accountId}/${instanceId}`;
      const cached = instanceCache.get(cacheKey);
      if (cached) return cached.value;
      const instance = await core.instances.get(accountId, instanceId);
      if (instance?.runtime.state === "running") instanceCache.set(cacheKey, instance);
      return instance;
    },
    forgetInstance: (accountId, instanceId) => instanceCache.delete(`${accountId}/${instanceId}`),
    ...(await buildInstanceAccess(config)),
    rateLimit: limits.limiters.planRateLimiter(limits.factory),
    clientAddress: limits.clientAddress,
    logs: core.deps.logs,
    production: !config.emulated,
  };
}

export async function buildDashboardDeps(
  config: RuntimeConfig,
): Promise<
  DashboardDeps & { instanceDeps: InstanceDeps; webhooks: WebhookDashboardDeps; instanceAccess: ForwardDeps }
> {
  const core = await buildAccountDeps(config, { storeDeadlineMs: HTTP_STORE_DEADLINE_MS });
  const [{ getAuth }, { firebaseIdentity }, { firestoreSessionStore }] = await Promise.all([
    import("firebase-admin/auth"),
    import("./adapters/identity.js"),
    import("./adapters/firestore/sessionStore.js"),
  ]);
  const limits = await buildLimits(config, core);
  const identity = firebaseIdentity(getAuth(core.app));
  // The dashboard (Auth admin rights) asks Firebase Authentication while the recorded flag is false;
  // a "not verified" answer is remembered for 5 s per account.
  const emailVerified = emailVerificationCheck(core.deps.store, {
    emailVerified: (uid) => identity.emailVerified(uid),
    misses: new TtlCache<true>(5_000, 50_000, systemClock),
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
  };
}

export async function buildEventsDeps(config: RuntimeConfig): Promise<EventsDeps> {
  const core = await buildAccountDeps(config, { storeDeadlineMs: HTTP_STORE_DEADLINE_MS });
  const [{ firestoreSessionStateStore }, { decrypt }] = await Promise.all([
    import("./adapters/firestore/sessionStateStore.js"),
    import("./core/aead.js"),
  ]);
  // The secret and the runtime → instance mapping change only on deletion, so they are cached;
  // the instance itself is read on every call so new settings apply to the very next event.
  const secrets = new TtlCache<{ accountId: string; instanceId: string; secret: Uint8Array } | null>(
    60_000,
    50_000,
    systemClock,
  );
  // Suspension stops deliveries within 5 s, the same bound as for API keys.
  const accountsActive = new TtlCache<boolean>(5_000, 50_000, systemClock);
  async function loadSecret(runtimeId: string) {
    const [instance, stored] = await Promise.all([
      core.instances.getByRuntime(runtimeId),
      core.instances.getSecrets(runtimeId),
    ]);
    if (!instance || !stored?.runtimeSecret) return null;
    const context = { collection: INSTANCE_SECRETS, docId: runtimeId, field: "runtimeSecret" };
    // Stored as base64url text; instances sign with its decoded bytes.
    const text = (await decrypt(core.deps.keyRing, stored.runtimeSecret, context)).toString("utf8");
    return {
      accountId: instance.accountId,
      instanceId: instance.instanceId,
      secret: Buffer.from(text, "base64url"),
    };
  }
  return {
    async runtimeCredentials(runtimeId) {
      const cached = await secrets.getOrLoad(runtimeId, () => loadSecret(runtimeId));
      if (!cached) return undefined;
      const instance = await core.instances.get(cached.accountId, cached.instanceId);
      return instance?.runtimeId === runtimeId ? { instance, secret: cached.secret } : undefined;
    },
    ingest: {
      instances: core.instances,
      accountActive: (accountId) =>
        accountsActive.getOrLoad(
          accountId,
          async () => (await core.deps.store.getAccount(accountId))?.status === "active",
        ),
      clock: systemClock,
      webhooks: await buildWebhookQueue(core, config),
    },
    logs: core.deps.logs,
    sessionStates: core.bound(firestoreSessionStateStore(core.db, core.deps.keyRing)),
  };
}
