import { decryptText, encrypt } from "./aead.js";
import { apiKeyDigest, apiKeyPrefix, generateApiKey } from "./apiKey.js";
import { ApiError } from "./errors.js";
import type { LogEvents } from "./logs.js";
import type { AccountStore, Plan, StoredKey } from "./ports/accounts.js";
import type { Clock } from "./ports/clock.js";
import type { KeyRing } from "./ports/keyRing.js";
import { TtlCache } from "./ttlCache.js";

const DEFAULT_PLAN: Plan = { id: "free", instanceLimit: 2, requestsPerMinute: 120 };

const ACCOUNT_KEY_FIELD = { collection: "accountSecrets", field: "apiKey" } as const;

export interface AccountDeps {
  store: AccountStore;
  keyRing: KeyRing;
  pepper: Buffer;
  clock: Clock;
  logs: LogEvents;
}

async function newAccountKey(deps: AccountDeps, uid: string): Promise<{ apiKey: string; stored: StoredKey }> {
  const apiKey = generateApiKey();
  const ciphertext = await encrypt(deps.keyRing, apiKey, { ...ACCOUNT_KEY_FIELD, docId: uid });
  const stored = {
    digest: apiKeyDigest(apiKey, deps.pepper),
    ciphertext,
    prefix: apiKeyPrefix(apiKey),
    createdAt: deps.clock.now(),
  };
  return { apiKey, stored };
}

/** Creates the account with the default plan and a first API key; a second call is a no-op. */
export async function ensureAccount(
  deps: AccountDeps,
  uid: string,
  email: string,
  via: string,
  emailVerified = false,
) {
  const { stored } = await newAccountKey(deps, uid);
  const created = await deps.store.createAccount(
    {
      uid,
      email,
      planId: DEFAULT_PLAN.id,
      status: "active",
      createdAt: deps.clock.now(),
      apiKey: { prefix: stored.prefix, createdAt: stored.createdAt },
      emailVerified,
    },
    stored,
  );
  if (created) deps.logs.accountCreated(uid, via);
  return created;
}

export async function planFor(store: AccountStore, planId: string): Promise<Plan> {
  return (await store.getPlan(planId)) ?? DEFAULT_PLAN;
}

export async function accountView(deps: AccountDeps, uid: string) {
  const account = await deps.store.getAccount(uid);
  if (!account) throw new ApiError("NOT_FOUND", "No account for this user.");
  const plan = await planFor(deps.store, account.planId);
  return {
    uid: account.uid,
    email: account.email,
    status: account.status,
    emailVerified: account.emailVerified === true,
    plan: { id: plan.id, instanceLimit: plan.instanceLimit, requestsPerMinute: plan.requestsPerMinute },
    apiKey: { prefix: account.apiKey.prefix, createdAt: new Date(account.apiKey.createdAt).toISOString() },
  };
}

/** A suspended account keeps read access to its dashboard but can no longer act. */
export async function requireActiveAccount(store: AccountStore, uid: string) {
  const account = await store.getAccount(uid);
  if (!account) throw new ApiError("NOT_FOUND", "No account for this user.");
  if (account.status !== "active") throw new ApiError("FORBIDDEN", "This account is suspended.");
  return account;
}

// Instances are paid, always-on resources: only accounts with a verified email address create them.
// The account document carries Firebase Authentication's emailVerified, recorded at account creation
// (Google and GitHub sign-ins arrive verified), at every sign-in (beforesignedin), at dashboard
// session creation (the ID token's email_verified claim), and by the dashboard's own check below.

/** Records what Firebase Authentication says about the email, if the account says otherwise. */
export async function recordEmailVerified(
  store: Pick<AccountStore, "getAccount" | "setEmailVerified">,
  uid: string,
  verified: boolean,
) {
  const account = await store.getAccount(uid);
  if (account && (account.emailVerified === true) !== verified) await store.setEmailVerified(uid, verified);
}

/**
 * Whether the account's email is verified: the recorded flag, and while it is false, Firebase
 * Authentication itself when `authority` is given (the dashboard, which holds Auth admin rights; the
 * gateway has none and reads the flag only). A verification found there is recorded, so the gateway
 * sees it too; a "no" is remembered for `misses`' TTL so refused retries cost no Auth call.
 */
export function emailVerificationCheck(
  store: Pick<AccountStore, "getAccount" | "setEmailVerified">,
  authority?: { emailVerified(uid: string): Promise<boolean>; misses: TtlCache<true> },
) {
  return async (uid: string): Promise<boolean> => {
    const account = await store.getAccount(uid);
    if (!account) return false;
    if (account.emailVerified === true) return true;
    if (!authority || authority.misses.get(uid)) return false;
    const verified = await authority.emailVerified(uid);
    if (verified) await store.setEmailVerified(uid, true);
    else authority.misses.set(uid, true);
    return verified;
  };
}

/** Whether an account is active, remembered 5 s: suspension stops deliveries within that bound, as for API keys. */
export function accountActiveCheck(store: Pick<AccountStore, "getAccount">, clock: Clock) {
  const active = new TtlCache<boolean>(5_000, 50_000, clock);
  return (accountId: string) =>
    active.getOrLoad(accountId, async () => (await store.getAccount(accountId))?.status === "active");
}

export const EMAIL_NOT_VERIFIED_DETAIL =
  "Verify your email address before creating an instance: open the link in the verification email " +
  "(the dashboard sends it again on request), then sign in to the dashboard or create the instance there.";

export async function revealAccountKey(deps: AccountDeps, uid: string, requestId: string) {
  await requireActiveAccount(deps.store, uid);
  const stored = await deps.store.getAccountKey(uid);
  if (!stored) throw new ApiError("NOT_FOUND", "No account for this user.");
  const apiKey = await decryptText(deps.keyRing, stored.ciphertext, { ...ACCOUNT_KEY_FIELD, docId: uid });
  await deps.store.appendAudit(uid, { action: "apiKey.revealed", at: deps.clock.now(), requestId });
  deps.logs.apiKeyRevealed(uid, requestId);
  return apiKey;
}

export async function rotateAccountKey(deps: AccountDeps, uid: string, requestId: string) {
  await requireActiveAccount(deps.store, uid);
  const { apiKey, stored } = await newAccountKey(deps, uid);
  await deps.store.rotateAccountKey(uid, stored);
  await deps.store.appendAudit(uid, { action: "apiKey.rotated", at: deps.clock.now(), requestId });
  deps.logs.apiKeyRotated(uid, requestId);
  return apiKey;
}
