import { type DocumentReference, FieldPath, type Firestore, type Query } from "firebase-admin/firestore";
import { ACCOUNT_DELETIONS, type AccountDeletionRecord } from "../../core/accountDeletion.js";
import type { AccountDeletionStore } from "../../core/ports/accounts.js";
import { TIMELINES } from "./messageTimelineStore.js";
import { STATS_COLLECTION } from "./statsStore.js";
import { updateIfExists } from "./updateIfExists.js";

// accountDeletions/{uid}: one unfinished account deletion job each (uid and timestamps only),
// removed when the job ends. Every document naming an account: accounts/{uid} (with auditLog,
// instances and their deliveries/attempts/webhookEndpoints/messageTimelines/hourlyStats, subscriptions and their changes),
// accountSecrets/{uid}, apiKeys/{digest}
// (accountId); instance documents elsewhere go through the instance deletion job.
const PAGE = 200;

// Pages by cursor (ordered by document id), so the loop ends even when a deletion fails to remove
// a document: each page starts after the last one seen.
async function deleteAll(query: Query, deeper: (ref: DocumentReference) => Promise<void> = async () => {}) {
  let page = await query.orderBy(FieldPath.documentId()).limit(PAGE).get();
  for (;;) {
    for (const doc of page.docs) await deeper(doc.ref);
    await Promise.all(page.docs.map((doc) => doc.ref.delete()));
    const last = page.docs.at(-1);
    if (page.size < PAGE || !last) return;
    page = await query.orderBy(FieldPath.documentId()).startAfter(last).limit(PAGE).get();
  }
}

export function firestoreAccountDeletionStore(db: Firestore): AccountDeletionStore {
  const jobs = db.collection(ACCOUNT_DELETIONS);
  const accounts = db.collection("accounts");
  const apiKeys = db.collection("apiKeys");
  return {
    async begin(uid, now) {
      return db.runTransaction(async (tx) => {
        const [job, account, keys] = await Promise.all([
          tx.get(jobs.doc(uid)),
          tx.get(accounts.doc(uid)),
          tx.get(apiKeys.where("accountId", "==", uid)),
        ]);
        // Nothing stored and no job: already deleted (the Auth trigger after DELETE /v1/account).
        if (!job.exists && !account.exists && keys.empty) return { digests: [] };
        for (const key of keys.docs) tx.delete(key.ref);
        const record: AccountDeletionRecord = job.exists
          ? (job.data() as AccountDeletionRecord)
          : { uid, requestedAt: now };
        if (!job.exists) tx.create(jobs.doc(uid), record);
        return { record, digests: keys.docs.map((key) => key.id) };
      });
    },

    async get(uid) {
      const snapshot = await jobs.doc(uid).get();
      return snapshot.exists ? (snapshot.data() as AccountDeletionRecord) : undefined;
    },

    async update(uid, patch) {
      await updateIfExists(jobs.doc(uid), patch);
    },

    async remove(uid) {
      await jobs.doc(uid).delete();
    },

    async instanceIds(uid) {
      const page = await accounts.doc(uid).collection("instances").select().get();
      return page.docs.map((doc) => doc.id);
    },

    async eraseDocuments(uid) {
      const account = accounts.doc(uid);
      await deleteAll(apiKeys.where("accountId", "==", uid));
      await deleteAll(account.collection("auditLog"));
      // After the instances' deletion (the job's earlier step), which records its changes here.
      await deleteAll(account.collection("subscriptions"), (subscription) =>
        deleteAll(subscription.collection("changes")),
      );
      await deleteAll(account.collection("instances"), async (instance) => {
        await deleteAll(instance.collection("webhookEndpoints"));
        await deleteAll(instance.collection(TIMELINES));
        await deleteAll(instance.collection(STATS_COLLECTION));
        await deleteAll(instance.collection("deliveries"), (delivery) =>
          deleteAll(delivery.collection("attempts")),
        );
      });
      await db.collection("accountSecrets").doc(uid).delete();
      await account.delete();
    },
  };
}
