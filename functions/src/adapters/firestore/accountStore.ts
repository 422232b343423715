import { FieldValue, type Firestore } from "firebase-admin/firestore";
import type {
  Account,
  AccountStore,
  ApiKeyRecord,
  AuditEntry,
  Plan,
  StoredKey,
} from "../../core/ports/accounts.js";

// Layout: accounts/{uid} (owner-readable, no secrets), accountSecrets/{uid} (ciphertext + digest,
// never client-readable), apiKeys/{digest} (lookup by keyed digest), plans/{planId} (admin-edited),
// accounts/{uid}/auditLog/{id} (expires through a TTL policy on `expireAt`).
const AUDIT_RETENTION_MS = 365 * 24 * 3600_000;

export function firestoreAccountStore(db: Firestore): AccountStore {
  const accounts = db.collection("accounts");
  const secrets = db.collection("accountSecrets");
  const apiKeys = db.collection("apiKeys");

  return {
    async createAccount(account, key) {
      return db.runTransaction(async (tx) => {
        const existing = await tx.get(accounts.doc(account.uid));
        if (existing.exists) return false;
        tx.create(accounts.doc(account.uid), account);
        tx.create(secrets.doc(account.uid), {
          apiKey: key.ciphertext,
          apiKeyDigest: key.digest,
          apiKeyPrefix: key.prefix,
          apiKeyCreatedAt: key.createdAt,
        });
        tx.create(apiKeys.doc(key.digest), {
          kind: "account",
          accountId: account.uid,
          createdAt: key.createdAt,
        });
        return true;
      });
    },

    async getAccount(uid) {
      const snapshot = await accounts.doc(uid).get();
      return snapshot.exists ? (snapshot.data() as Account) : undefined;
    },

    async getPlan(planId) {
      const snapshot = await db.collection("plans").doc(planId).get();
      return snapshot.exists ? ({ ...(snapshot.data() as Omit<Plan, "id">), id: planId } as Plan) : undefined;
    },

    async getAccountKey(uid) {
      const snapshot = await secrets.doc(uid).get();
      if (!snapshot.exists) return undefined;
      const data = snapshot.data()!;
      return {
        ciphertext: data.apiKey,
        digest: data.apiKeyDigest,
        prefix: data.apiKeyPrefix,
        createdAt: data.apiKeyCreatedAt,
      } satisfies StoredKey;
    },

    async rotateAccountKey(uid, next) {
      await db.runTransaction(async (tx) => {
        const current = await tx.get(secrets.doc(uid));
        if (!current.exists) throw new Error("account has no key to rotate");
        tx.delete(apiKeys.doc(current.get("apiKeyDigest")));
        tx.create(apiKeys.doc(next.digest), { kind: "account", accountId: uid, createdAt: next.createdAt });
        tx.update(secrets.doc(uid), {
          apiKey: next.ciphertext,
          apiKeyDigest: next.digest,
          apiKeyPrefix: next.prefix,
          apiKeyCreatedAt: next.createdAt,
        });
        tx.update(accounts.doc(uid), { apiKey: { prefix: next.prefix, createdAt: next.createdAt } });
      });
    },

    async findApiKey(digest) {
      const snapshot = await apiKeys.doc(digest).get();
      if (!snapshot.exists) return undefined;
      const data = snapshot.data()!;
      return {
        kind: data.kind,
        accountId: data.accountId,
        ...(data.instanceId ? { instanceId: data.instanceId } : {}),
      } satisfies ApiKeyRecord;
    },

    async setEmailVerified(uid, verified) {
      await accounts.doc(uid).update({ emailVerified: verified });
    },

    async setAccountSecret(uid, field, ciphertext) {
      await secrets.doc(uid).update({ [field]: ciphertext ?? FieldValue.delete() });
    },

    async appendAudit(uid, entry: AuditEntry) {
      await accounts
        .doc(uid)
        .collection("auditLog")
        .add({ ...entry, expireAt: new Date(entry.at + AUDIT_RETENTION_MS) });
    },

    async listAudit(uid, limit) {
      const snapshot = await accounts
        .doc(uid)
        .collection("auditLog")
        .orderBy("at", "desc")
        .limit(limit)
        .get();
      return snapshot.docs.map((doc) => {
        const data = doc.data();
        return {
          action: String(data.action),
          at: Number(data.at),
          ...(data.requestId ? { requestId: String(data.requestId) } : {}),
          ...(data.target ? { target: String(data.target) } : {}),
        } satisfies AuditEntry;
      });
    },
  };
}
