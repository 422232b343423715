import { type DocumentData, type Firestore, Timestamp } from "firebase-admin/firestore";
import type { DeliveryStore, EndpointStatus, NewDelivery } from "../../core/ports/webhooks.js";
import type { AttemptRecord, DeliveryRecord, DeliveryRef } from "../../core/webhooks/delivery.js";
import { updateIfExists } from "../firestore/updateIfExists.js";

// Layout: accounts/{uid}/instances/{instanceId}/deliveries/{deliveryId} (+ attempts/{n}) hold
// metadata only; deliveryPayloads/{deliveryId} holds the AES-GCM envelope for manual retries;
// .../webhookEndpoints/{endpointId} remembers an endpoint disabled by a 410. Every record carries
// `expireAt` (a Timestamp) for Firestore's TTL policies.
const PAYLOADS = "deliveryPayloads";
const ALREADY_EXISTS = 6;
// Two writes per delivery; a batch holds at most 500.
const BATCH_DELIVERIES = 200;

const toMillis = (value: unknown) => (value instanceof Timestamp ? value.toMillis() : Number(value));

function recordOf(data: DocumentData): DeliveryRecord {
  return { ...(data as DeliveryRecord), expireAt: toMillis(data.expireAt) };
}

function attemptOf(data: DocumentData): AttemptRecord {
  const { expireAt: _expireAt, ...attempt } = data;
  return attempt as AttemptRecord;
}

export function firestoreDeliveryStore(db: Firestore): DeliveryStore {
  const instanceDoc = (accountId: string, instanceId: string) =>
    db.collection("accounts").doc(accountId).collection("instances").doc(instanceId);
  const deliveryDoc = (ref: DeliveryRef) =>
    instanceDoc(ref.accountId, ref.instanceId).collection("deliveries").doc(ref.deliveryId);
  const endpointDoc = (accountId: string, instanceId: string, endpointId: string) =>
    instanceDoc(accountId, instanceId).collection("webhookEndpoints").doc(endpointId);
  const payloads = db.collection(PAYLOADS);

  async function createChunk(deliveries: NewDelivery[], retried = false): Promise<DeliveryRecord[]> {
    const snapshots = await db.getAll(...deliveries.map((delivery) => deliveryDoc(delivery.record)));
    const batch = db.batch();
    let writes = 0;
    deliveries.forEach(({ record, payload }, index) => {
      if (snapshots[index]!.exists) return;
      batch.create(deliveryDoc(record), { ...record, expireAt: Timestamp.fromMillis(record.expireAt) });
      if (payload) {
        batch.create(payloads.doc(record.deliveryId), {
          accountId: record.accountId,
          instanceId: record.instanceId,
          payload: payload.envelope,
          expireAt: Timestamp.fromMillis(payload.expireAt),
        });
      }
      writes++;
    });
    if (writes > 0) {
      try {
        await batch.commit();
      } catch (error) {
        // A concurrent enqueue of the same events won the race: read again and keep what it wrote.
        if ((error as { code?: number }).code !== ALREADY_EXISTS || retried) throw error;
        return createChunk(deliveries, true);
      }
    }
    return deliveries.map(({ record }, index) => {
      const snapshot = snapshots[index]!;
      return snapshot.exists ? recordOf(snapshot.data()!) : record;
    });
  }

  return {
    async createMany(deliveries) {
      const stored: DeliveryRecord[] = [];
      for (let start = 0; start < deliveries.length; start += BATCH_DELIVERIES) {
        stored.push(...(await createChunk(deliveries.slice(start, start + BATCH_DELIVERIES))));
      }
      return stored;
    },

    async get(ref) {
      const snapshot = await deliveryDoc(ref).get();
      return snapshot.exists ? recordOf(snapshot.data()!) : undefined;
    },

    async recordAttempt(ref, decide) {
      return db.runTransaction(async (tx) => {
        const snapshot = await tx.get(deliveryDoc(ref));
        if (!snapshot.exists) return undefined;
        const current = recordOf(snapshot.data()!);
        const decision = decide(current);
        if (!decision) return undefined;
        const attemptId = String(decision.attempt.attemptNumber).padStart(4, "0");
        tx.create(deliveryDoc(ref).collection("attempts").doc(attemptId), {
          ...decision.attempt,
          expireAt: Timestamp.fromMillis(current.expireAt),
        });
        tx.update(deliveryDoc(ref), decision.patch);
        return decision;
      });
    },

    async setState(ref, from, patch) {
      await db.runTransaction(async (tx) => {
        const snapshot = await tx.get(deliveryDoc(ref));
        if (snapshot.exists && from.includes(snapshot.get("state"))) tx.update(deliveryDoc(ref), patch);
      });
    },

    async list(accountId, instanceId, { pageNumber, pageSize }) {
      const collection = instanceDoc(accountId, instanceId).collection("deliveries");
      const [page, count] = await Promise.all([
        collection
          .orderBy("createdAt", "desc")
          .offset((pageNumber - 1) * pageSize)
          .limit(pageSize)
          .get(),
        collection.count().get(),
      ]);
      const items = await Promise.all(
        page.docs.map(async (doc) => {
          const attempts = await doc.ref.collection("attempts").orderBy("attemptNumber").get();
          return {
            ...recordOf(doc.data()),
            attempts: attempts.docs.map((attempt) => attemptOf(attempt.data())),
          };
        }),
      );
      return { items, totalCount: count.data().count };
    },

    async getPayload(deliveryId) {
      const snapshot = await payloads.doc(deliveryId).get();
      if (!snapshot.exists) return undefined;
      return {
        ref: { accountId: snapshot.get("accountId"), instanceId: snapshot.get("instanceId"), deliveryId },
        envelope: snapshot.get("payload"),
        expireAt: toMillis(snapshot.get("expireAt")),
      };
    },

    async deletePayload(deliveryId) {
      await payloads.doc(deliveryId).delete();
    },

    async setPayloadExpiry(deliveryId, expireAt) {
      await updateIfExists(payloads.doc(deliveryId), { expireAt: Timestamp.fromMillis(expireAt) });
    },

    // Payload ids are the delivery ids, so no query over deliveryPayloads is needed.
    async deleteInstanceData(accountId, instanceId, limit) {
      const instance = instanceDoc(accountId, instanceId);
      const [deliveries, endpoints] = await Promise.all([
        instance.collection("deliveries").limit(limit).get(),
        instance.collection("webhookEndpoints").limit(limit).get(),
      ]);
      let deleted = 0;
      for (const delivery of deliveries.docs) {
        const attempts = await delivery.ref.collection("attempts").get();
        const batch = db.batch();
        for (const attempt of attempts.docs) batch.delete(attempt.ref);
        batch.delete(payloads.doc(delivery.id));
        batch.delete(delivery.ref);
        await batch.commit();
        deleted += attempts.size + 2;
      }
      if (deliveries.size > 0) return deleted;
      const batch = db.batch();
      for (const endpoint of endpoints.docs) batch.delete(endpoint.ref);
      if (endpoints.size > 0) await batch.commit();
      return endpoints.size;
    },

    async getEndpoint(accountId, instanceId, endpointId) {
      const snapshot = await endpointDoc(accountId, instanceId, endpointId).get();
      return snapshot.exists ? (snapshot.data() as EndpointStatus) : undefined;
    },

    async setEndpoint(accountId, instanceId, status) {
      await endpointDoc(accountId, instanceId, status.endpointId).set(status);
    },
  };
}
