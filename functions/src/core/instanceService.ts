import { randomBytes } from "node:crypto";
import { checkEgressUrl, type EgressMode } from "@wsapi/contracts/egress";
import type { z } from "zod";
import { EMAIL_NOT_VERIFIED_DETAIL } from "./accounts.js";
import { decryptText, encrypt } from "./aead.js";
import { apiKeyDigest, apiKeyPrefix, generateApiKey } from "./apiKey.js";
import { ApiError } from "./errors.js";
import type { LogoutOutcome } from "./instanceDeletion.js";
import {
  type AccountInstanceDefaults,
  defaultSettings,
  hasInstanceFilter,
  type Instance,
  type InstanceDefaults,
  type InstanceDefaultsRequest,
  type InstanceListQuery,
  type InstanceSettingsRequest,
  instanceSummary,
  matchesInstanceFilter,
  newInstanceId,
  newRuntimeId,
} from "./instances.js";
import type { AccountStore, Plan, StoredKey } from "./ports/accounts.js";
import type { Clock } from "./ports/clock.js";
import type { InstanceDeletionStore, InstanceStore, Provisioner } from "./ports/instances.js";
import type { KeyRing } from "./ports/keyRing.js";
import type { StatsStore } from "./ports/stats.js";
import type { SubscriptionStore } from "./ports/subscriptions.js";
import { defaultSubscription, type Subscription } from "./subscriptions.js";

// Instance use-cases shared by the account API (api function) and the dashboard API.
export const INSTANCE_SECRETS = "instanceSecrets";
export const ACCOUNT_SECRETS = "accountSecrets";

export interface InstanceDeps {
  instances: InstanceStore;
  accounts: AccountStore;
  subscriptions: SubscriptionStore;
  keyRing: KeyRing;
  pepper: Buffer;
  clock: Clock;
  provisioner: Provisioner;
  /** Called after a key stops being valid so this server's cache forgets it at once. */
  forgetKey?: (digest: string) => void;
  /** "production" refuses http and every non-public address; "local" allows loopback and private. */
  webhookMode: EgressMode;
  /** Asks a deleted instance's runtime to log its device out, within a bound (core/instanceDeletion.ts). */
  logoutDevice?: (instance: Instance) => Promise<LogoutOutcome>;
  /** Where deletion jobs record the logout outcome. */
  deletions?: Pick<InstanceDeletionStore, "update">;
  /** Drops this server's cached copy of an instance document. */
  forgetInstance?: (accountId: string, instanceId: string) => void;
  /** Whether the account's email is verified (core/accounts.ts emailVerificationCheck). */
  emailVerified(accountId: string): Promise<boolean>;
  /** The instances' hourly counters (GET …/instances/{id}/stats, core/stats/). */
  stats: StatsStore;
}

/** Refuses webhook URLs that could reach internal addresses, before they are ever stored. */
function requireSafeWebhookUrl(deps: InstanceDeps, field: string, url: string | null | undefined) {
  if (url === null || url === undefined) return;
  const check = checkEgressUrl(url, deps.webhookMode, "webhook");
  if (!check.ok) throw new ApiError("VALIDATION", `${field}: ${check.reason}`);
}

const secretContext = (runtimeId: string, field: string) => ({
  collection: INSTANCE_SECRETS,
  docId: runtimeId,
  field,
});

async function newInstanceKey(
  deps: InstanceDeps,
  runtimeId: string,
): Promise<{ apiKey: string; stored: StoredKey }> {
  const apiKey = generateApiKey();
  return {
    apiKey,
    stored: {
      digest: apiKeyDigest(apiKey, deps.pepper),
      ciphertext: await encrypt(deps.keyRing, apiKey, secretContext(runtimeId, "apiKey")),
      prefix: apiKeyPrefix(apiKey),
      createdAt: deps.clock.now(),
    },
  };
}

async function audit(deps: InstanceDeps, accountId: string, action: string, instanceId: string) {
  await deps.accounts.appendAudit(accountId, { action, at: deps.clock.now(), target: instanceId });
}

export async function requireInstance(deps: InstanceDeps, accountId: string, instanceId: string) {
  const instance = await deps.instances.get(accountId, instanceId);
  // The same answer whether the id belongs to another tenant or to nobody.
  if (!instance) throw new ApiError("NOT_FOUND", "No such instance.");
  return instance;
}

/** The account's default subscription (POST /account/instances creates on it). */
export async function requireDefaultSubscription(deps: InstanceDeps, accountId: string, plan: Plan) {
  const subscription = await defaultSubscription(deps.subscriptions, accountId, plan, deps.clock.now());
  if (!subscription) throw new ApiError("NOT_FOUND", "No account for this key.");
  return subscription;
}

/** Creates an instance on `subscription`, by default the account's default one (its plan's capacity). */
export async function createInstance(
  deps: InstanceDeps,
  accountId: string,
  plan: Plan,
  request: { id?: string; name?: string },
  subscription?: Subscription,
) {
  if (!(await deps.emailVerified(accountId)))
    throw new ApiError("EMAIL_NOT_VERIFIED", EMAIL_NOT_VERIFIED_DETAIL);
  const target = subscription ?? (await requireDefaultSubscription(deps, accountId, plan));
  const instanceId = request.id ?? newInstanceId();
  const runtimeId = newRuntimeId();
  const { apiKey, stored } = await newInstanceKey(deps, runtimeId);
  const runtimeSecret = randomBytes(32).toString("base64url");
  const now = deps.clock.now();
  const instance: Instance & { subscriptionId: string } = {
    instanceId,
    accountId,
    runtimeId,
    subscriptionId: target.id,
    name: request.name ?? instanceId,
    createdAt: now,
    settings: defaultSettings(await deps.instances.getDefaults(accountId)),
    apiKey: { prefix: stored.prefix, createdAt: stored.createdAt },
    runtime: { state: "provisioning", updatedAt: now },
  };
  const secrets = {
    apiKey: stored.ciphertext,
    runtimeSecret: await encrypt(deps.keyRing, runtimeSecret, secretContext(runtimeId, "runtimeSecret")),
  };
  const outcome = await deps.instances.create(instance, stored, secrets);
  if (outcome === "exists")
    throw new ApiError("CONFLICT", `You already have an instance with id ${instanceId}.`);
  if (outcome === "no-subscription") throw new ApiError("NOT_FOUND", "No such subscription.");
  if (outcome === "limit") {
    throw new ApiError(
      "LIMIT_REACHED",
      target.isDefault
        ? `Your plan allows ${target.quantity} instances; delete one or upgrade.`
        : `Subscription ${target.id} allows ${target.quantity} instances; delete one of them or add capacity.`,
    );
  }
  await deps.provisioner.provision(runtimeId);
  await audit(deps, accountId, "instance.created", instanceId);
  return { instance, apiKey };
}

export async function rotateInstanceKey(deps: InstanceDeps, accountId: string, instanceId: string) {
  const instance = await requireInstance(deps, accountId, instanceId);
  const previous = await deps.instances.getSecrets(instance.runtimeId);
  const { apiKey, stored } = await newInstanceKey(deps, instance.runtimeId);
  if (!(await deps.instances.rotateKey(accountId, instanceId, stored))) {
    throw new ApiError("NOT_FOUND", "No such instance.");
  }
  if (previous?.apiKeyDigest) deps.forgetKey?.(previous.apiKeyDigest);
  await audit(deps, accountId, "instance.apiKey.rotated", instanceId);
  return apiKey;
}

export async function revealInstanceKey(deps: InstanceDeps, accountId: string, instanceId: string) {
  const instance = await requireInstance(deps, accountId, instanceId);
  const secrets = await deps.instances.getSecrets(instance.runtimeId);
  if (!secrets?.apiKey) throw new ApiError("NOT_FOUND", "No such instance.");
  const apiKey = await decryptText(deps.keyRing, secrets.apiKey, secretContext(instance.runtimeId, "apiKey"));
  await audit(deps, accountId, "instance.apiKey.revealed", instanceId);
  return apiKey;
}

export async function renameInstance(
  deps: InstanceDeps,
  accountId: string,
  instanceId: string,
  name: string,
) {
  if (!(await deps.instances.update(accountId, instanceId, { name }))) {
    throw new ApiError("NOT_FOUND", "No such instance.");
  }
}

export async function updateInstanceSettings(
  deps: InstanceDeps,
  accountId: string,
  instanceId: string,
  request: InstanceSettingsRequest,
) {
  requireSafeWebhookUrl(deps, "webhookUrl", request.webhookUrl);
  const instance = await requireInstance(deps, accountId, instanceId);
  const { eventSigningSecret, webhookAuthValue, ...plain } = request;
  const settings = { ...instance.settings, ...plain };
  const secretFields: Record<string, string | null> = {};
  if (eventSigningSecret !== undefined) {
    secretFields.eventSigningSecret =
      eventSigningSecret === null
        ? null
        : await encrypt(
            deps.keyRing,
            eventSigningSecret,
            secretContext(instance.runtimeId, "eventSigningSecret"),
          );
    settings.hasSigningSecret = eventSigningSecret !== null;
  }
  if (webhookAuthValue !== undefined) {
    secretFields.webhookAuthValue =
      webhookAuthValue === null
        ? null
        : await encrypt(
            deps.keyRing,
            webhookAuthValue,
            secretContext(instance.runtimeId, "webhookAuthValue"),
          );
    settings.hasWebhookAuthValue = webhookAuthValue !== null;
  }
  if (Object.keys(secretFields).length > 0) await deps.instances.setSecrets(instance.runtimeId, secretFields);
  await deps.instances.update(accountId, instanceId, { settings });
  // The gateway reads settings it forwards with (pacing) from its cache: this server sees them at once.
  deps.forgetInstance?.(accountId, instanceId);
  await audit(deps, accountId, "instance.settings.updated", instanceId);
}

export async function updateInstanceDefaults(
  deps: InstanceDeps,
  accountId: string,
  request: InstanceDefaultsRequest,
) {
  requireSafeWebhookUrl(deps, "defaultWebhookUrl", request.defaultWebhookUrl);
  const { defaultSigningSecret, ...plain } = request;
  const current = await deps.instances.getDefaults(accountId);
  const next: InstanceDefaults = { ...current, ...plain };
  if (defaultSigningSecret !== undefined) {
    const context = { collection: ACCOUNT_SECRETS, docId: accountId, field: "defaultSigningSecret" };
    next.hasDefaultSigningSecret = defaultSigningSecret !== null;
    await deps.accounts.setAccountSecret(
      accountId,
      "defaultSigningSecret",
      defaultSigningSecret === null ? null : await encrypt(deps.keyRing, defaultSigningSecret, context),
    );
  }
  await deps.instances.setDefaults(accountId, next);
}

export function defaultsView(defaults: InstanceDefaults): z.infer<typeof AccountInstanceDefaults> {
  const { hasDefaultSigningSecret, ...rest } = defaults;
  return { ...rest, hasDefaultSigningSecret };
}

/** A page of the account's instances; with a filter (WSAPI's list query), a page of those that match. */
export async function listInstances(deps: InstanceDeps, accountId: string, query: InstanceListQuery) {
  const { pageNumber, pageSize } = query;
  if (!hasInstanceFilter(query)) {
    const { items, totalCount } = await deps.instances.list(accountId, { pageNumber, pageSize });
    return { items: items.map(instanceSummary), totalCount, pageNumber, pageSize };
  }
  // An account has at most its plan's few instances: read them all, then filter and page.
  const matching: Instance[] = [];
  for (let page = 1; ; page++) {
    const { items, totalCount } = await deps.instances.list(accountId, { pageNumber: page, pageSize: 100 });
    matching.push(...items.filter((instance) => matchesInstanceFilter(instance, query)));
    if (items.length === 0 || page * 100 >= totalCount) break;
  }
  const start = (pageNumber - 1) * pageSize;
  return {
    items: matching.slice(start, start + pageSize).map(instanceSummary),
    totalCount: matching.length,
    pageNumber,
    pageSize,
  };
}

export async function restartInstance(deps: InstanceDeps, accountId: string, instanceId: string) {
  const instance = await requireInstance(deps, accountId, instanceId);
  await deps.provisioner.restart(instance.runtimeId);
}

/**
 * Deletes an instance (core/instanceDeletion.ts): one transaction removes it with its key and
 * secrets and records the job; the teardown task is queued; then, within a bound, the device is
 * logged out while the runtime still runs. The task waits for that outcome before removing the
 * runtime, the session state and the delivery data.
 */
export async function deleteInstance(deps: InstanceDeps, accountId: string, instanceId: string) {
  const current = await deps.instances.get(accountId, instanceId);
  const digest = current && (await deps.instances.getSecrets(current.runtimeId))?.apiKeyDigest;
  const instance = await deps.instances.delete(accountId, instanceId);
  if (!instance) throw new ApiError("NOT_FOUND", "No such instance.");
  if (digest) deps.forgetKey?.(digest);
  deps.forgetInstance?.(accountId, instanceId);
  await deps.provisioner.teardown(instance.runtimeId, instance.runtime.cellId);
  await audit(deps, accountId, "instance.deleted", instanceId);
  if (!deps.logoutDevice) return;
  const logout = await deps.logoutDevice(instance).catch((): LogoutOutcome => "unreachable");
  await deps.deletions?.update(instance.runtimeId, { logout });
  // The customer learns that the phone still lists the device and how to remove it.
  if (logout === "unreachable") await audit(deps, accountId, "instance.device.notLoggedOut", instanceId);
}
