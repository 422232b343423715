import type { Instance, InstanceDefaults } from "./instances.js";

// The interfaces the core needs from the outside world. Adapters implement them.

export interface KeyRing {
  current(): Promise<{ version: number; key: Buffer }>;
  get(version: number): Promise<Buffer | undefined>;
}

export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

export interface Plan {
  id: string;
  instanceLimit: number;
  requestsPerMinute: number;
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

/** A ciphertext held in one field of one document, for the re-encryption job. */
export interface StoredCiphertext {
  docId: string;
  envelope: string;
}

export interface CiphertextStore {
  list(collection: string, field: string): AsyncIterable<StoredCiphertext>;
  /** Replaces the envelope only if it is still `expected` (compare-and-set). */
  replace(collection: string, docId: string, field: string, expected: string, next: string): Promise<boolean>;
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

export type CreateInstanceOutcome = "created" | "exists" | "limit";

/** Ciphertexts of one instance's secrets, keyed by field name (apiKey, runtimeSecret, …). */
export type InstanceSecretFields = Record<string, string>;

export interface InstanceStore {
  /** Creates instance, key and secrets in one transaction that also enforces the plan's limit. */
  create(
    instance: Instance,
    key: StoredKey,
    secrets: InstanceSecretFields,
    instanceLimit: number,
  ): Promise<CreateInstanceOutcome>;
  get(accountId: string, instanceId: string): Promise<Instance | undefined>;
  getByRuntime(runtimeId: string): Promise<Instance | undefined>;
  list(
    accountId: string,
    page: { pageNumber: number; pageSize: number },
  ): Promise<{ items: Instance[]; totalCount: number }>;
  listAll(): AsyncIterable<Instance>;
  update(accountId: string, instanceId: string, patch: Record<string, unknown>): Promise<boolean>;
  rotateKey(accountId: string, instanceId: string, next: StoredKey): Promise<boolean>;
  getSecrets(runtimeId: string): Promise<InstanceSecretFields | undefined>;
  /** Sets (string) or removes (null) secret fields. */
  setSecrets(runtimeId: string, fields: Record<string, string | null>): Promise<void>;
  /**
   * Deletes the instance, its key and secrets, frees its plan slot and records the deletion job
   * (core/instanceDeletion.ts) in the same transaction; undefined when absent.
   */
  delete(accountId: string, instanceId: string): Promise<Instance | undefined>;
  getDefaults(accountId: string): Promise<InstanceDefaults>;
  setDefaults(accountId: string, defaults: InstanceDefaults): Promise<void>;
}
