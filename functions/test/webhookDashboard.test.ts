import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Webhook } from "standardwebhooks";
import type { AuditEntry } from "../src/core/ports/accounts.js";
import {
  enableEndpoint,
  listDeliveries,
  retryDelivery,
  revealSecret,
  rotateSecret,
  sendTestEvent,
  TEST_EVENT_TYPE,
  type WebhookDashboardDeps,
} from "../src/core/webhooks/dashboard.js";
import type { HttpOutcome } from "../src/core/webhooks/delivery.js";
import { testInstance, webhookWorld } from "./support/webhookMemory.js";

const HOUR = 3600_000;

function dashboardWorld(respond?: (index: number) => HttpOutcome) {
  const world = webhookWorld({ start: Date.now(), ...(respond ? { respond } : {}) });
  const audit: Array<AuditEntry & { uid: string }> = [];
  const deps: WebhookDashboardDeps = {
    ...world.enqueueDeps,
    instances: world.instances.store,
    secrets: world.secrets.store,
    audit: { appendAudit: async (uid, entry) => void audit.push({ uid, ...entry }) },
    graceMs: 24 * HOUR,
  };
  const { accountId, instanceId } = world.instance;
  return { world, deps, audit, accountId, instanceId };
}

describe("webhook dashboard operations", () => {
  it("sends a test event that standardwebhooks verifies, and lists it with its attempts", async () => {
    const { world, deps, accountId, instanceId } = dashboardWorld();
    const { deliveryId, eventId } = await sendTestEvent(deps, accountId, instanceId);
    await world.drain();
    const { secret } = await revealSecret(deps, accountId, instanceId, "req_1");
    const [request] = world.sent;
    const verified = new Webhook(secret).verify(request!.body, request!.headers) as Record<string, unknown>;
    assert.equal(verified.eventType, TEST_EVENT_TYPE);
    assert.equal(verified.eventId, eventId);

    const page = await listDeliveries(deps, accountId, instanceId, { pageNumber: 1, pageSize: 20 });
    assert.equal(page.totalCount, 1);
    assert.deepEqual(page.endpoint, {
      url: "http://127.0.0.1:9/hook",
      enabled: true,
      disabledAt: null,
      reason: null,
    });
    const [item] = page.items;
    assert.equal(item!.id, deliveryId);
    assert.equal(item!.state, "delivered");
    assert.equal(item!.retryable, false);
    assert.equal(item!.attempts[0]!.statusCode, 200);
    assert.equal(item!.attempts[0]!.trigger, "scheduled");
    assert.ok(!JSON.stringify(page).includes("Test event from WSAPI"), "the log holds no payload");
  });

  it("answers 404 for another tenant's instance, and refuses a test without a usable URL", async () => {
    const { deps, accountId, world } = dashboardWorld();
    await assert.rejects(listDeliveries(deps, "someone-else", "sales-1", { pageNumber: 1, pageSize: 5 }), {
      code: "NOT_FOUND",
    });
    const bare = { ...testInstance({ webhookUrl: null }), instanceId: "bare" };
    world.instances.byKey.set(`${accountId}/bare`, bare);
    await assert.rejects(sendTestEvent(deps, accountId, "bare"), { code: "CONFLICT" });
    deps.mode = "production";
    await assert.rejects(sendTestEvent(deps, accountId, "sales-1"), { code: "VALIDATION" });
  });

  it("retries an exhausted delivery by hand while its payload is held; others get 404", async () => {
    const { world, deps, accountId, instanceId } = dashboardWorld(() => ({
      kind: "response",
      status: 500,
      durationMs: 3,
    }));
    const { deliveryId } = await sendTestEvent(deps, accountId, instanceId);
    await world.drain();
    await assert.rejects(retryDelivery(deps, "someone-else", deliveryId), { code: "NOT_FOUND" });
    await assert.rejects(retryDelivery(deps, accountId, `dlv_${"0".repeat(40)}`), { code: "NOT_FOUND" });

    world.script.respond = () => ({ kind: "response", status: 200, durationMs: 3 });
    assert.deepEqual(await retryDelivery(deps, accountId, deliveryId), { deliveryId, queued: true });
    await world.drain();
    const [item] = (await listDeliveries(deps, accountId, instanceId, { pageNumber: 1, pageSize: 5 })).items;
    assert.equal(item!.state, "delivered");
    assert.equal(item!.attempts.length, 11);
    assert.deepEqual(item!.attempts.at(-1)!.trigger, "manual");
    assert.equal(new Set(world.sent.map((request) => request.headers["webhook-id"])).size, 1);
    await assert.rejects(retryDelivery(deps, accountId, deliveryId), { code: "NOT_FOUND" });
  });

  it("keeps a failed manual retry of an exhausted delivery exhausted, and expires held payloads", async () => {
    const { world, deps, accountId, instanceId } = dashboardWorld(() => ({
      kind: "error",
      error: "connection_reset",
      detail: "ECONNRESET",
      durationMs: 1,
    }));
    const { deliveryId } = await sendTestEvent(deps, accountId, instanceId);
    await world.drain();
    await retryDelivery(deps, accountId, deliveryId);
    await world.drain();
    const [item] = (await listDeliveries(deps, accountId, instanceId, { pageNumber: 1, pageSize: 5 })).items;
    assert.equal(item!.state, "exhausted");
    assert.equal(item!.nextAttemptAt, null);
    world.clock.advance(8 * 24 * HOUR);
    await assert.rejects(retryDelivery(deps, accountId, deliveryId), { code: "NOT_FOUND" });
  });

  it("re-enables an endpoint after a 410, only on request", async () => {
    const { world, deps, accountId, instanceId } = dashboardWorld(() => ({
      kind: "response",
      status: 410,
      durationMs: 3,
    }));
    const { deliveryId } = await sendTestEvent(deps, accountId, instanceId);
    await world.drain();
    const page = await listDeliveries(deps, accountId, instanceId, { pageNumber: 1, pageSize: 5 });
    assert.equal(page.endpoint!.enabled, false);
    assert.match(page.endpoint!.reason!, /410 Gone/);
    await assert.rejects(sendTestEvent(deps, accountId, instanceId), { code: "CONFLICT" });
    await assert.rejects(retryDelivery(deps, accountId, deliveryId), { code: "CONFLICT" });
    await enableEndpoint(deps, accountId, instanceId);
    world.script.respond = () => ({ kind: "response", status: 200, durationMs: 3 });
    await retryDelivery(deps, accountId, deliveryId);
    await world.drain();
    const after = await listDeliveries(deps, accountId, instanceId, { pageNumber: 1, pageSize: 5 });
    assert.equal(after.endpoint!.enabled, true);
    assert.equal(after.items[0]!.state, "delivered");
  });

  it("rotates the signing secret: old and new both sign for the grace period, then only the new", async () => {
    const { world, deps, audit, accountId, instanceId } = dashboardWorld();
    const old = (await revealSecret(deps, accountId, instanceId, "req_1")).secret;
    const rotated = await rotateSecret(deps, accountId, instanceId, "req_2");
    assert.notEqual(rotated.secret, old);
    assert.equal(rotated.previousSecretExpiresAt, new Date(world.clock.now() + 24 * HOUR).toISOString());
    await sendTestEvent(deps, accountId, instanceId);
    await world.drain();
    const during = world.sent.at(-1)!;
    for (const secret of [old, rotated.secret]) new Webhook(secret).verify(during.body, during.headers);

    world.clock.advance(24 * HOUR);
    await sendTestEvent(deps, accountId, instanceId);
    await world.drain();
    const after = world.sent.at(-1)!;
    assert.equal(after.headers["webhook-signature"]!.split(" ").length, 1);
    assert.deepEqual(
      audit.map((entry) => entry.action),
      ["webhookSecret.revealed", "webhookSecret.rotated"],
    );
  });
});
