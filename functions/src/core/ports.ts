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
}
