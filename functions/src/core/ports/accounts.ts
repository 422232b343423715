import type { AccountDeletionRecord } from "../accountDeletion.js";
// Accounts, their keys and sessions as the core needs them from the outside world.

export interface Plan {
  id: string;
  instanceLimit: number;
  requestsPerMinute: number;
  /** The price shown on the plan's subscriptions (admin-edited, e.g. "49.00 EUR/month"). */
  price?: string;
}

export type AccountStatus = "active" | "suspended";

export interface Account {
  uid: string;
  email: string;
  planId: string;
  status: AccountStatus;
  createdAt: number;
  apiKey: { prefix: string; createdAt: number };
  /**
   * Firebase Authentication's emailVerified as last seen (account creation, sign-in, session
   * creation, the dashboard's check); absent on accounts created before it was recorded.
   */
  emailVerified?: boolean;
}

/** Where a key digest points: the account key, or one instance's own key. */
export interface ApiKeyRecord {
  kind: "account" | "instance";
  accountId: string;
  instanceId?: string;
}

export interface StoredKey {
  digest: string;
  ciphertext: string;
  prefix: string;
  createdAt: number;
}

export interface AuditEntry {
  action: string;
  at: number;
  requestId?: string;
  target?: string;
}

export interface AccountStore {
  /** Creates the account and its key atomically; false when the account already exists. */
  createAccount(account: Account, key: StoredKey): Promise<boolean>;
  getAccount(uid: string): Promise<Account | undefined>;
  getPlan(planId: string): Promise<Plan | undefined>;
  getAccountKey(uid: string): Promise<StoredKey | undefined>;
  /** Swaps the account key: the old digest stops resolving in the same commit. */
  rotateAccountKey(uid: string, next: StoredKey): Promise<void>;
  findApiKey(digest: string): Promise<ApiKeyRecord | undefined>;
  appendAudit(uid: string, entry: AuditEntry): Promise<void>;
  /** The account's most recent audit entries, newest first. */
  listAudit(uid: string, limit: number): Promise<AuditEntry[]>;
  /** Sets (ciphertext) or removes (null) one secret field of the account. */
  setAccountSecret(uid: string, field: string, ciphertext: string | null): Promise<void>;
  /** Records Firebase Authentication's emailVerified on the account document. */
  setEmailVerified(uid: string, verified: boolean): Promise<void>;
}

export interface SessionStore {
  revokeSession(cookieDigest: string, expiresAt: number): Promise<void>;
  isSessionRevoked(cookieDigest: string): Promise<boolean>;
}

export interface VerifiedIdToken {
  uid: string;
  email?: string;
  /** The token's `email_verified` claim. */
  emailVerified: boolean;
  /** Seconds since epoch of the sign-in that produced the token. */
  authTime: number;
}

export interface VerifiedSession {
  uid: string;
  email?: string;
  expiresAt: number;
}

/** Firebase Authentication as the dashboard needs it. */
export interface Identity {
  createPasswordUser(email: string, password: string): Promise<{ uid: string; email: string }>;
  verifyIdToken(idToken: string): Promise<VerifiedIdToken>;
  createSessionCookie(idToken: string, expiresInMs: number): Promise<string>;
  /** Verifies with checkRevoked: a revoked or disabled user's cookie is refused. */
  verifySessionCookie(cookie: string): Promise<VerifiedSession>;
  revokeRefreshTokens(uid: string): Promise<void>;
  /** Firebase Authentication's own emailVerified for the user (admin getUser); false when absent. */
  emailVerified(uid: string): Promise<boolean>;
  /** Deletes the user from Firebase Authentication; an absent user counts as deleted. */
  deleteUser(uid: string): Promise<void>;
}

/**
 * Failed authentications per client address, on the shared store. Consulted only for keys that are
 * not cached as valid, and before any store read, so a flood of forged keys costs no Firestore read
 * once its address is blocked.
 */
export interface AuthFailureLimiter {
  /**
   * Seconds until the address may try unknown keys again; 0 when it is not blocked, or when `digest`
   * was verified as valid lately on any function instance (so a real key is never locked out).
   */
  blockedFor(address: string, digest: string): Promise<number>;
  /** Counts one failed authentication: a well-formed key looked up and found unknown or revoked. */
  record(address: string): Promise<void>;
  /** Marks a digest as verified valid (shared with every instance, for RECENTLY_VALID_TTL_MS). */
  validated(digest: string): Promise<void>;
}

export interface AccountDeletionStore {
  /**
   * In one transaction: removes the account's and its instances' apiKeys documents and writes the
   * job's record (kept as it is when the job already runs). Answers the digests that stopped resolving,
   * and no record when nothing names the account and no job runs (it was deleted already).
   */
  begin(uid: string, now: number): Promise<{ record?: AccountDeletionRecord; digests: string[] }>;
  get(uid: string): Promise<AccountDeletionRecord | undefined>;
  update(uid: string, patch: Partial<AccountDeletionRecord>): Promise<void>;
  remove(uid: string): Promise<void>;
  /** The ids of the account's remaining instances. */
  instanceIds(uid: string): Promise<string[]>;
  /** Deletes every document that names the account (idempotent). */
  eraseDocuments(uid: string): Promise<void>;
}
