import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { type Received, startReceiver } from "../support/receiver.js";
import { json, stack } from "../support/stack.js";
import { createTenant, pairInstance, type Tenant } from "../support/tenants.js";
import { waitFor } from "../support/wait.js";

// Session health through the public path: a paired instance's socket is frozen silently on the
// simulated network (no close frame, no answers); the instance must notice and reconnect within
// 60 s, show it in GET /session/status (`health`, our extension) and send `session_health` webhooks.
const { gateway, simulator } = stack();
const PHONE = `1558${Math.floor(1e6 + Math.random() * 8e6)}`;
const INSTANCE = "health-a";

type Health = {
  state: string;
  reconnects: number;
  lastReceivedAt?: string;
  lastDisconnect?: { reason: string };
};

describe("session health end to end", () => {
  let tenant: Tenant;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  const headers = () => ({ "x-api-key": tenant.accountKey, "x-instance-id": INSTANCE });
  const status = () => json("GET", `${gateway}/session/status`, undefined, headers());
  const healthEvent = (state: string, reason?: string) => (delivery: Received) =>
    delivery.json?.eventType === "session_health" &&
    delivery.json.eventData.state === state &&
    (reason === undefined ||
      (delivery.json.eventData.lastDisconnect as { reason?: string } | undefined)?.reason === reason);
  const delivered = (match: (delivery: Received) => boolean, timeoutMs: number) =>
    waitFor(() => receiver.received.find(match), "a session_health delivery", { timeoutMs });

  before(async () => {
    receiver = await startReceiver();
    tenant = await createTenant("health", [INSTANCE]);
    // Filterable like any event: with only session_health chosen, it still arrives.
    const settings = { webhookUrl: receiver.url, eventFilters: ["session_health"] };
    const put = await json("PUT", `${gateway}/account/instances/${INSTANCE}/settings`, settings, {
      "x-api-key": tenant.accountKey,
    });
    assert.equal(put.status, 204, JSON.stringify(put.body));
    await pairInstance(tenant.accountKey, INSTANCE, PHONE);
  });

  after(() => receiver.close());

  it("keeps WSAPI's status fields and adds a healthy `health` once paired", async () => {
    const paired = await waitFor(status, "a healthy session after pairing", {
      until: (r) => (r.body.health as Health | undefined)?.state === "healthy",
    });
    assert.equal(paired.status, 200);
    assert.equal(paired.body.isConnected, true);
    assert.equal(paired.body.isLoggedIn, true);
    assert.match(String(paired.body.deviceId), new RegExp(`^${PHONE}:\\d+@s\\.whatsapp\\.net$`));
    const health = paired.body.health as Health;
    assert.equal(health.reconnects, 0);
    assert.ok(health.lastReceivedAt, "the time of the last frame from WhatsApp");
    await delivered(healthEvent("healthy"), 30_000);
  });

  it("detects a silently frozen socket and reconnects within 60 s, with session_health webhooks", async () => {
    const { body } = await status();
    const frozen = await fetch(`${simulator}/v1/network/freeze`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ deviceId: body.deviceId }),
    });
    assert.equal(frozen.status, 204);
    const frozenAt = Date.now();
    const recovered = await waitFor(status, "healthy again after one reconnect, within 60 s", {
      until: (r) => {
        const health = r.body.health as Health | undefined;
        return health?.state === "healthy" && health.reconnects === 1;
      },
      timeoutMs: 60_000,
    });
    const recoveredInMs = Date.now() - frozenAt;
    const health = recovered.body.health as Health;
    assert.equal(health.state, "healthy", `not recovered within 60 s: ${JSON.stringify(health)}`);
    assert.equal(health.lastDisconnect?.reason, "unresponsive");
    assert.equal(recovered.body.isLoggedIn, true, "the device stays paired");
    console.log(`frozen socket detected and reconnected in ${recoveredInMs} ms`);
    assert.ok(recoveredInMs < 60_000);

    const probing = await delivered(healthEvent("probing"), 30_000);
    const dropped = await delivered(healthEvent("reconnecting", "unresponsive"), 30_000);
    const back = await delivered(
      (d) => healthEvent("healthy")(d) && d.json?.eventData.previousState === "reconnecting",
      30_000,
    );
    assert.equal(dropped.json?.eventData.previousState, "probing");
    assert.equal(dropped.json?.instanceId, INSTANCE);
    assert.ok(probing && back);
  });
});
