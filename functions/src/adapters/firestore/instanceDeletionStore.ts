import type { Firestore } from "firebase-admin/firestore";
import { streamKeyOf } from "../../core/eventLog.js";
import { type DeletionRecord, INSTANCE_DELETIONS } from "../../core/instanceDeletion.js";
import type { InstanceDeletionStore } from "../../core/ports/instances.js";
import { firestoreDeliveryStore } from "../webhooks/deliveryStore.js";
import { firestoreEventLogStore } from "./eventLogStore.js";
import { firestoreMessageTimelineStore } from "./messageTimelineStore.js";
import { SESSION_STATE_FIELD } from "./sessionStateStore.js";
import { firestoreStatsStore } from "./statsStore.js";
import { updateIfExists } from "./updateIfExists.js";

// instanceDeletions/{runtimeId}: one unfinished deletion job each (ids and timestamps only; no
// secret, no content). Written in the transaction that deletes the instance (instanceStore.ts).
const PAGE = 100;

export function firestoreInstanceDeletionStore(db: Firestore): InstanceDeletionStore {
  const jobs = db.collection(INSTANCE_DELETIONS);
  const deliveries = firestoreDeliveryStore(db);
  const eventLog = firestoreEventLogStore(db);
  const timelines = firestoreMessageTimelineStore(db);
  const stats = firestoreStatsStore(db);
  return {
    async get(runtimeId) {
      const snapshot = await jobs.doc(runtimeId).get();
      return snapshot.exists ? (snapshot.data() as DeletionRecord) : undefined;
    },

    async *list() {
      let query = jobs.orderBy("__name__").limit(PAGE);
      for (;;) {
        const page = await query.get();
        for (const job of page.docs) yield job.data() as DeletionRecord;
        if (page.size < PAGE) return;
        query = query.startAfter(page.docs[page.docs.length - 1]!);
      }
    },

    async update(runtimeId, patch) {
      await updateIfExists(jobs.doc(runtimeId), patch);
    },

    async remove(runtimeId) {
      await jobs.doc(runtimeId).delete();
    },

    async deleteSessionState(runtimeId) {
      await db.collection(SESSION_STATE_FIELD.collection).doc(runtimeId).delete();
    },

    // The delivery records first, then the event log their bodies were read from, then the
    // message timelines (kept as long as the delivery log), then the hourly stats.
    async deleteDeliveryData(accountId, instanceId, limit) {
      const deleted = await deliveries.deleteInstanceData(accountId, instanceId, limit);
      if (deleted > 0) return deleted;
      const logged = await eventLog.deleteStream(streamKeyOf(accountId, instanceId), limit);
      if (logged > 0) return logged;
      const timelined = await timelines.deleteInstance(accountId, instanceId, limit);
      if (timelined > 0) return timelined;
      return stats.deleteInstanceStats(accountId, instanceId, limit);
    },
  };
}
