import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { adminDb, json, stack } from "../support/stack.js";
import { createTenant, pairInstance, type Tenant } from "../support/tenants.js";
import { waitFor } from "../support/wait.js";

// Deleting a paired instance really deletes it: the phone shows the device unlinked, the
// instance's key stops working within 5 s, and no Firestore document of the instance remains
// (session state, secrets, key, delivery data, the deletion job itself).
const urls = stack();
const PHONE = `1557${Math.floor(1e6 + Math.random() * 8e6)}`;
const CONTACT = `1556${Math.floor(1e6 + Math.random() * 8e6)}`;

async function exported(): Promise<string> {
  assert.ok(urls.firestoreExport, "the stand-in's export endpoint is in stack.json");
  return (await fetch(urls.firestoreExport)).text();
}

describe("deleting an instance", () => {
  let tenant: Tenant;
  let runtimeId: string;
  const account = () => ({ "x-api-key": tenant.accountKey });
  const instanceDoc = () =>
    adminDb().collection("accounts").doc(tenant.user.uid).collection("instances").doc("gone");

  before(async () => {
    tenant = await createTenant("deleter", ["gone"]);
    // A webhook URL nobody answers: deliveries stay pending with their content held.
    const settings = { webhookUrl: "http://127.0.0.1:9/hook" };
    const put = await json("PUT", `${urls.gateway}/account/instances/gone/settings`, settings, account());
    assert.equal(put.status, 204);
    await pairInstance(tenant.accountKey, "gone", PHONE);
    runtimeId = String((await instanceDoc().get()).get("runtimeId"));
    assert.match(runtimeId, /^wi[0-9a-f]+$/);
    const sent = await json("POST", `${urls.simulator}/v1/phones/${CONTACT}/messages`, {
      to: PHONE,
      text: "hi",
    });
    assert.equal(sent.status, 201);
    const deliveries = await waitFor(() => instanceDoc().collection("deliveries").get(), "deliveries", {
      until: (page) => page.size >= 2,
      timeoutMs: 30_000,
    });
    assert.ok(deliveries.size >= 2, "the instance has delivery data to delete");
    const held = await adminDb().collection("deliveryPayloads").where("instanceId", "==", "gone").get();
    assert.ok(
      held.docs.some((doc) => doc.get("accountId") === tenant.user.uid),
      "content is held for retries",
    );
    const logged = await adminDb().collection("eventLog").where("instanceId", "==", "gone").get();
    assert.ok(
      logged.docs.some((doc) => doc.get("accountId") === tenant.user.uid),
      "its events are in the event log",
    );
    // The instance saves its session state 1.5 s after the last change (debounced), which may be after
    // the deliveries above exist.
    const state = await waitFor(
      () => adminDb().collection("sessionStates").doc(runtimeId).get(),
      "session state",
      {
        until: (snapshot) => snapshot.exists,
        timeoutMs: 15_000,
      },
    );
    assert.ok(state.exists, "the paired instance stored its session state");
  });

  it("logs the device out, refuses the key within 5 s, and leaves no document of the instance", async () => {
    const devices = await json("GET", `${urls.simulator}/v1/phones/${PHONE}/devices`);
    assert.equal((devices.body as unknown as unknown[]).length, 1, "the phone lists the linked instance");
    const instanceKey = { "x-api-key": tenant.instances[0]!.apiKey, "x-instance-id": "gone" };
    assert.equal((await json("GET", `${urls.gateway}/session/status`, undefined, instanceKey)).status, 200);

    const deletedAt = Date.now();
    const deleted = await json("DELETE", `${urls.gateway}/account/instances/gone`, undefined, account());
    assert.equal(deleted.status, 204, JSON.stringify(deleted.body));

    const unlinked = await waitFor(
      () => json("GET", `${urls.simulator}/v1/phones/${PHONE}/devices`),
      "unlinked",
      { until: (r) => (r.body as unknown as unknown[]).length === 0, timeoutMs: 10_000 },
    );
    assert.deepEqual(unlinked.body, [], "the phone no longer lists the device");

    const refused = await waitFor(
      () => json("GET", `${urls.gateway}/session/status`, undefined, instanceKey),
      "refused",
      { until: (r) => r.status === 401, timeoutMs: 5_000 },
    );
    assert.equal(refused.status, 401, "the instance's key is refused");
    assert.ok(Date.now() - deletedAt <= 5_500, `refused after ${Date.now() - deletedAt} ms`);
    assert.equal(
      (await json("GET", `${urls.gateway}/account/instances/gone`, undefined, account())).status,
      404,
    );

    // The job finishes after its final sweep (30 s after the request).
    const remaining = await waitFor(
      async () => {
        const db = adminDb();
        const found: string[] = [];
        for (const collection of ["sessionStates", "instanceSecrets", "runtimes", "instanceDeletions"]) {
          if ((await db.collection(collection).doc(runtimeId).get()).exists) found.push(collection);
        }
        for (const sub of ["deliveries", "webhookEndpoints"]) {
          if ((await instanceDoc().collection(sub).get()).size > 0) found.push(sub);
        }
        const payloads = await db.collection("deliveryPayloads").where("instanceId", "==", "gone").get();
        if (payloads.docs.some((doc) => doc.get("accountId") === tenant.user.uid))
          found.push("deliveryPayloads");
        const log = await db.collection("eventLog").where("instanceId", "==", "gone").get();
        if (log.docs.some((doc) => doc.get("accountId") === tenant.user.uid)) found.push("eventLog");
        if ((await exported()).includes(runtimeId)) found.push(`runtime id in the export`);
        return found;
      },
      "remaining",
      { until: (found) => found.length === 0, timeoutMs: 90_000 },
    );
    assert.deepEqual(remaining, [], "documents of the deleted instance remain");
    const keys = await adminDb().collection("apiKeys").where("instanceId", "==", "gone").get();
    assert.ok(!keys.docs.some((doc) => doc.get("accountId") === tenant.user.uid), "its key document is gone");
    // Only the account's own audit trail still names the instance id (no runtime id, no device).
    const audit = await json("GET", `${urls.dashboard}/v1/account/audit`, undefined, {
      cookie: tenant.user.cookie,
    });
    assert.match(JSON.stringify(audit.body), /instance\.deleted/);
  });
});
