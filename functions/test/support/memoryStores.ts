import type {
  Account,
  AccountStore,
  ApiKeyRecord,
  AuditEntry,
  Plan,
  StoredKey,
} from "../../src/core/ports/accounts.js";
import type { KeyRing } from "../../src/core/ports/keyRing.js";

// In-memory adapters for unit tests of the core; integration tests use the real Firestore adapter.
export function memoryAccountStore() {
  const accounts = new Map<string, Account>();
  const keys = new Map<string, StoredKey>();
  const digests = new Map<string, ApiKeyRecord>();
  const plans = new Map<string, Plan>();
  const audit: Array<AuditEntry & { uid: string }> = [];
  let reads = 0;
  const store: AccountStore = {
    async createAccount(account, key) {
      if (accounts.has(account.uid)) return false;
      accounts.set(account.uid, account);
      keys.set(account.uid, key);
      digests.set(key.digest, { kind: "account", accountId: account.uid });
      return true;
    },
    async getAccount(uid) {
      reads++;
      return accounts.get(uid);
    },
    async getPlan(planId) {
      reads++;
      return plans.get(planId);
    },
    async getAccountKey(uid) {
      return keys.get(uid);
    },
    async rotateAccountKey(uid, next) {
      const current = keys.get(uid)!;
      digests.delete(current.digest);
      digests.set(next.digest, { kind: "account", accountId: uid });
      keys.set(uid, next);
      accounts.set(uid, {
        ...accounts.get(uid)!,
        apiKey: { prefix: next.prefix, createdAt: next.createdAt },
      });
    },
    async findApiKey(digest) {
      reads++;
      return digests.get(digest);
    },
    async setAccountSecret() {},
    async setEmailVerified(uid, verified) {
      const account = accounts.get(uid);
      if (account) accounts.set(uid, { ...account, emailVerified: verified });
    },
    async appendAudit(uid, entry) {
      audit.push({ uid, ...entry });
    },
    async listAudit(uid, limit) {
      return audit
        .filter((entry) => entry.uid === uid)
        .sort((a, b) => b.at - a.at)
        .slice(0, limit)
        .map(({ uid: _uid, ...entry }) => entry);
    },
  };
  return { store, accounts, plans, audit, reads: () => reads };
}

export function memoryKeyRing(keys: Record<number, Buffer>, current: number): KeyRing {
  return {
    current: async () => ({ version: current, key: keys[current]! }),
    get: async (version) => keys[version],
  };
}

export function fakeClock(start = 1_700_000_000_000) {
  let now = start;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}
