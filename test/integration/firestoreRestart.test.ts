import assert from "node:assert/strict";
import { randomInt, randomUUID } from "node:crypto";
import { after, before, describe, it } from "node:test";
import { startReceiver } from "../support/receiver.js";
import { asUser, json, stack } from "../support/stack.js";
import { createTenant, pairInstance, type Tenant } from "../support/tenants.js";
import { waitFor } from "../support/wait.js";

// Fault: the Firestore server restarts. While it is down, routes that need it answer a clean 503
// problem+json with Retry-After within the store deadline (no hang, no 500, no crash); events an
// instance emits meanwhile are buffered and delivered afterwards; once it is back every route
// works again with no stored data lost. The stand-in saves its data when stopped and loads it
// when started (scripts/firestore/persistence.ts), as the official emulator's export/import does.
const urls = stack();
const PHONE = `1561${randomInt(1e6, 1e7)}`;
const CONTACT = `1562${randomInt(1e6, 1e7)}`;

const statusOf = (list: Record<string, unknown>) =>
  (list.items as Array<{ status: string }> | undefined)?.[0]?.status;

async function firestore(action: "stop" | "start") {
  const response = await fetch(`${urls.control}/processes/firestore/${action}`, { method: "POST" });
  assert.equal(response.status, 204, `firestore ${action}: ${await response.text()}`);
}

describe("Firestore restart", {
  skip: urls.firestoreKind !== "standin" && "needs the restartable stand-in",
}, () => {
  let tenant: Tenant;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  const account = () => ({ "x-api-key": tenant.accountKey });

  before(async () => {
    receiver = await startReceiver();
    tenant = await createTenant("restart", ["fs-1"]);
    const put = await json(
      "PUT",
      `${urls.gateway}/account/instances/fs-1/settings`,
      { webhookUrl: receiver.url },
      account(),
    );
    assert.equal(put.status, 204);
    await pairInstance(tenant.accountKey, "fs-1", PHONE);
  });

  after(async () => {
    await firestore("start"); // a no-op when it is running; brings it back if the test failed midway
    await receiver.close();
  });

  it("answers 503 while down, buffers events, and recovers with nothing lost", {
    timeout: 240_000,
  }, async () => {
    // Settled first: the control plane records the pairing from the instance's logged_in event.
    const listed = await waitFor(
      () => json("GET", `${urls.gateway}/account/instances`, undefined, account()),
      "listed",
      { until: (r) => statusOf(r.body) === "connected" },
    );
    assert.equal(statusOf(listed.body), "connected");
    const profile = await json("GET", `${urls.dashboard}/v1/account`, undefined, asUser(tenant.user));
    assert.equal(profile.status, 200);

    await firestore("stop");
    const marker = `while-down-${randomUUID()}`;
    const sent = await json("POST", `${urls.simulator}/v1/phones/${CONTACT}/messages`, {
      to: PHONE,
      text: marker,
    });
    assert.equal(sent.status, 201, "the simulated network does not depend on Firestore");
    const started = Date.now();
    const down = await Promise.all([
      fetch(`${urls.gateway}/account/instances`, { headers: account() }),
      fetch(`${urls.gateway}/account/instances/fs-1`, { headers: account() }),
      fetch(`${urls.dashboard}/v1/account`, { headers: asUser(tenant.user) }),
    ]);
    const waited = Date.now() - started;
    for (const response of down) {
      const body = (await response.json()) as { status: number; detail: string };
      assert.equal(response.status, 503, `${response.url}: ${JSON.stringify(body)}`);
      assert.equal(response.headers.get("content-type"), "application/problem+json");
      assert.equal(body.status, 503);
      assert.match(body.detail, /try again/);
      assert.ok(Number(response.headers.get("retry-after")) > 0, "says when to retry");
    }
    assert.ok(waited < 20_000, `503 within the store deadline, not after the SDK's retries (${waited} ms)`);

    await firestore("start");
    const back = await waitFor(
      () => json("GET", `${urls.gateway}/account/instances`, undefined, account()),
      "back",
      { until: (r) => r.status === 200, timeoutMs: 60_000 },
    );
    assert.equal(back.status, 200, "the gateway recovers without a restart of its own");
    assert.deepEqual(back.body, listed.body, "every instance is still there, unchanged");
    const again = await json("GET", `${urls.dashboard}/v1/account`, undefined, asUser(tenant.user));
    assert.equal(again.status, 200, "the dashboard session survived");
    assert.deepEqual(again.body, profile.body);
    const status = await json("GET", `${urls.gateway}/session/status`, undefined, {
      ...account(),
      "x-instance-id": "fs-1",
    });
    assert.equal(status.body.isLoggedIn, true, "the instance kept running through the outage");

    const delivered = await waitFor(
      async () => receiver.received.find((r) => r.body.includes(marker)),
      "delivered",
      { timeoutMs: 120_000 },
    );
    assert.ok(delivered, "the message that arrived during the outage reached the webhook");
    assert.equal(delivered.json?.eventType, "message");
  });
});
