import { FieldValue, type Firestore } from "firebase-admin/firestore";
import { type DeletionRecord, INSTANCE_DELETIONS } from "../../core/instanceDeletion.js";
import { EMPTY_DEFAULTS, type Instance, type InstanceDefaults } from "../../core/instances.js";
import type { InstanceStore } from "../../core/ports/instances.js";
import { addInstance, removeInstance, type Subscription } from "../../core/subscriptions.js";
import { runPreconditioned, subscriptionRefs, writeStep } from "./subscriptionStore.js";

// Layout: accounts/{uid}/instances/{instanceId} (owner-readable config, no secrets),
// instanceSecrets/{runtimeId} (ciphertexts only), runtimes/{runtimeId} (global index for the
// events function; carries cellId, which cellCounts counts), apiKeys/{digest} (instance keys),
// accounts/{uid}/subscriptions/{id} (capacity: instanceIds, with a change record per instance added
// or removed; subscriptionStore.ts), instanceDeletions/{runtimeId} (unfinished deletions).
export const RUNTIMES = "runtimes";

export function firestoreInstanceStore(db: Firestore): InstanceStore {
  const accounts = db.collection("accounts");
  const instanceDoc = (accountId: string, instanceId: string) =>
    accounts.doc(accountId).collection("instances").doc(instanceId);
  const secrets = db.collection("instanceSecrets");
  const runtimes = db.collection(RUNTIMES);
  const apiKeys = db.collection("apiKeys");
  const subscriptions = subscriptionRefs(db);

  return {
    async create(instance, key, secretFields) {
      const subscriptionRef = subscriptions.subscription(instance.accountId, instance.subscriptionId);
      return runPreconditioned(() =>
        db.runTransaction(async (tx) => {
          const [subscription, existing] = await Promise.all([
            tx.get(subscriptionRef),
            tx.get(instanceDoc(instance.accountId, instance.instanceId)),
          ]);
          if (existing.exists) return "exists";
          if (!subscription.exists) return "no-subscription";
          const added = addInstance(subscription.data()!, instance.instanceId, instance.createdAt);
          if (added === "limit") return "limit";
          writeStep(tx, subscriptions, instance.accountId, added);
          tx.create(instanceDoc(instance.accountId, instance.instanceId), instance);
          tx.create(runtimes.doc(instance.runtimeId), {
            accountId: instance.accountId,
            instanceId: instance.instanceId,
          });
          tx.create(secrets.doc(instance.runtimeId), { ...secretFields, apiKeyDigest: key.digest });
          tx.create(apiKeys.doc(key.digest), {
            kind: "instance",
            accountId: instance.accountId,
            instanceId: instance.instanceId,
            createdAt: key.createdAt,
          });
          return "created";
        }),
      );
    },

    async get(accountId, instanceId) {
      const snapshot = await instanceDoc(accountId, instanceId).get();
      return snapshot.exists ? (snapshot.data() as Instance) : undefined;
    },

    async getByRuntime(runtimeId) {
      const index = await runtimes.doc(runtimeId).get();
      if (!index.exists) return undefined;
      return this.get(index.get("accountId"), index.get("instanceId"));
    },

    async list(accountId, { pageNumber, pageSize }) {
      const collection = accounts.doc(accountId).collection("instances");
      const [page, count] = await Promise.all([
        collection
          .orderBy("createdAt")
          .offset((pageNumber - 1) * pageSize)
          .limit(pageSize)
          .get(),
        collection.count().get(),
      ]);
      return { items: page.docs.map((doc) => doc.data() as Instance), totalCount: count.data().count };
    },

    // Walks the runtimes index (a top-level collection) rather than a collection-group query.
    async *listAll() {
      let query = runtimes.orderBy("__name__").limit(200);
      for (;;) {
        const page = await query.get();
        for (const entry of page.docs) {
          const instance = await instanceDoc(entry.get("accountId"), entry.get("instanceId")).get();
          if (instance.exists) yield instance.data() as Instance;
        }
        if (page.size < 200) return;
        query = query.startAfter(page.docs[page.docs.length - 1]!);
      }
    },

    async update(accountId, instanceId, patch) {
      try {
        const ref = instanceDoc(accountId, instanceId);
        const cellId = (patch.runtime as { cellId?: string } | undefined)?.cellId;
        if (cellId) {
          const runtimeId = (await ref.get()).get("runtimeId");
          // update, not set: an instance deleted meanwhile must not leave a runtimes entry behind
          // (it would count against the cell for good); NOT_FOUND answers false below.
          if (runtimeId) await runtimes.doc(runtimeId).update({ cellId });
        }
        await ref.update(patch);
        return true;
      } catch (error) {
        if ((error as { code?: number }).code === 5) return false;
        throw error;
      }
    },

    async rotateKey(accountId, instanceId, next) {
      return db.runTransaction(async (tx) => {
        const instance = await tx.get(instanceDoc(accountId, instanceId));
        if (!instance.exists) return false;
        const runtimeId = instance.get("runtimeId") as string;
        const current = await tx.get(secrets.doc(runtimeId));
        tx.delete(apiKeys.doc(current.get("apiKeyDigest")));
        tx.create(apiKeys.doc(next.digest), {
          kind: "instance",
          accountId,
          instanceId,
          createdAt: next.createdAt,
        });
        tx.update(secrets.doc(runtimeId), { apiKey: next.ciphertext, apiKeyDigest: next.digest });
        tx.update(instanceDoc(accountId, instanceId), {
          apiKey: { prefix: next.prefix, createdAt: next.createdAt },
        });
        return true;
      });
    },

    async getSecrets(runtimeId) {
      const snapshot = await secrets.doc(runtimeId).get();
      return snapshot.exists ? (snapshot.data() as Record<string, string>) : undefined;
    },

    async setSecrets(runtimeId, fields) {
      const patch = Object.fromEntries(
        Object.entries(fields).map(([name, value]) => [name, value === null ? FieldValue.delete() : value]),
      );
      await secrets.doc(runtimeId).update(patch);
    },

    async delete(accountId, instanceId) {
      return runPreconditioned(() =>
        db.runTransaction(async (tx) => {
          const snapshot = await tx.get(instanceDoc(accountId, instanceId));
          if (!snapshot.exists) return undefined;
          const instance = snapshot.data() as Instance;
          const secret = await tx.get(secrets.doc(instance.runtimeId));
          // An instance from before subscriptions has none until its account's default one is derived.
          const subscription = instance.subscriptionId
            ? await tx.get(subscriptions.subscription(accountId, instance.subscriptionId))
            : undefined;
          if (secret.exists) tx.delete(apiKeys.doc(secret.get("apiKeyDigest")));
          tx.delete(secrets.doc(instance.runtimeId));
          tx.delete(runtimes.doc(instance.runtimeId));
          tx.delete(snapshot.ref);
          // The rest (device logout, runtime, session state, delivery data) is a resumable job.
          const job: DeletionRecord = {
            runtimeId: instance.runtimeId,
            accountId,
            instanceId,
            ...(instance.runtime.cellId ? { cellId: instance.runtime.cellId } : {}),
            requestedAt: Date.now(),
          };
          tx.set(db.collection(INSTANCE_DELETIONS).doc(instance.runtimeId), job);
          const removed =
            subscription?.exists &&
            removeInstance(subscription.data() as Subscription, instanceId, Date.now());
          if (removed) writeStep(tx, subscriptions, accountId, removed);
          return instance;
        }),
      );
    },

    async getDefaults(accountId) {
      const snapshot = await accounts.doc(accountId).get();
      return {
        ...EMPTY_DEFAULTS,
        ...(snapshot.get("instanceDefaults") as Partial<InstanceDefaults> | undefined),
      };
    },

    async setDefaults(accountId, defaults) {
      await accounts.doc(accountId).update({ instanceDefaults: defaults });
    },
  };
}
