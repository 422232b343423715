import type { DocumentReference, Firestore, Query, Transaction } from "firebase-admin/firestore";
import type { Instance } from "../../core/instances.js";
import type { SubscriptionStore } from "../../core/ports/subscriptions.js";
import {
  defaultSubscriptionId,
  deriveDefault,
  followPlan,
  type Step,
  type Subscription,
  type SubscriptionChange,
} from "../../core/subscriptions.js";

// Layout: accounts/{uid}/subscriptions/{subscriptionId} (no secrets; server-only, the dashboard reads
// them through its API) and accounts/{uid}/subscriptions/{subscriptionId}/changes/{chg_<seq>} (metadata
// only). Both go with the account (adapters/firestore/accountDeletionStore.ts).

const ALREADY_EXISTS = 6;
const NOT_FOUND = 5;

export function subscriptionRefs(db: Firestore) {
  const account = (accountId: string) => db.collection("accounts").doc(accountId);
  const subscription = (accountId: string, subscriptionId: string) =>
    account(accountId).collection("subscriptions").doc(subscriptionId) as DocumentReference<Subscription>;
  return {
    account,
    subscription,
    change: (accountId: string, subscriptionId: string, id: string) =>
      subscription(accountId, subscriptionId).collection("changes").doc(id),
  };
}

export type SubscriptionRefs = ReturnType<typeof subscriptionRefs>;

/**
 * Writes a subscription step inside a transaction. The change document is created, never set: two
 * writers that read the same sequence number cannot both commit, even where transactions do not
 * isolate (runPreconditioned retries the loser on a fresh read).
 */
export function writeStep(
  tx: Transaction,
  refs: SubscriptionRefs,
  accountId: string,
  { next, change }: Step,
) {
  tx.set(refs.subscription(accountId, next.id), next);
  tx.create(refs.change(accountId, next.id, change.id), change);
}

/** Runs a transaction again when a create() precondition or an update of a vanished document lost a race. */
export async function runPreconditioned<T>(work: () => Promise<T>, attempts = 5): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      const code = (error as { code?: number }).code;
      if (attempt >= attempts || (code !== ALREADY_EXISTS && code !== NOT_FOUND)) throw error;
    }
  }
}

export function firestoreSubscriptionStore(db: Firestore): SubscriptionStore {
  const refs = subscriptionRefs(db);
  const subscriptions = (accountId: string) => refs.account(accountId).collection("subscriptions");

  async function page<T>(query: Query, { pageNumber, pageSize }: { pageNumber: number; pageSize: number }) {
    const [items, count] = await Promise.all([
      query
        .offset((pageNumber - 1) * pageSize)
        .limit(pageSize)
        .get(),
      query.count().get(),
    ]);
    return { items: items.docs.map((doc) => doc.data() as T), totalCount: count.data().count };
  }

  return {
    async get(accountId, subscriptionId) {
      const snapshot = await refs.subscription(accountId, subscriptionId).get();
      return snapshot.exists ? snapshot.data() : undefined;
    },

    async list(accountId, paging) {
      return page<Subscription>(subscriptions(accountId).orderBy("createdAt"), paging);
    },

    async listChanges(accountId, subscriptionId, filter, paging) {
      let query: Query = refs.subscription(accountId, subscriptionId).collection("changes");
      if (filter.changeType) query = query.where("changeType", "==", filter.changeType);
      if (filter.instanceId) query = query.where("instanceId", "==", filter.instanceId);
      if (filter.timestampFrom !== undefined) query = query.where("at", ">=", filter.timestampFrom);
      if (filter.timestampTo !== undefined) query = query.where("at", "<=", filter.timestampTo);
      return page<SubscriptionChange>(query.orderBy("at", "desc"), paging);
    },

    async instances(accountId, subscriptionId) {
      const snapshot = await refs
        .account(accountId)
        .collection("instances")
        .where("subscriptionId", "==", subscriptionId)
        .get();
      return snapshot.docs.map((doc) => doc.data() as Instance);
    },

    async syncDefault(accountId, plan, now) {
      const ref = refs.subscription(accountId, defaultSubscriptionId(accountId));
      return runPreconditioned(() =>
        db.runTransaction(async (tx) => {
          const [account, current] = await Promise.all([tx.get(refs.account(accountId)), tx.get(ref)]);
          if (!account.exists) return undefined;
          if (current.exists) {
            const followed = followPlan(current.data()!, plan, now);
            if (followed) writeStep(tx, refs, accountId, followed);
            return followed?.next ?? current.data()!;
          }
          // First use: the account's instances (created before subscriptions existed) move onto it.
          const instances = await tx.get(refs.account(accountId).collection("instances"));
          const created = deriveDefault(
            accountId,
            plan,
            instances.docs.map((doc) => doc.id),
            now,
          );
          tx.create(ref, created.next);
          tx.create(refs.change(accountId, created.next.id, created.change.id), created.change);
          for (const doc of instances.docs) tx.update(doc.ref, { subscriptionId: created.next.id });
          return created.next;
        }),
      );
    },
  };
}
