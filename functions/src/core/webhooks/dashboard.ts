import { randomBytes } from "node:crypto";
import { checkEgressUrl } from "@wsapi/contracts/egress";
import { ApiError } from "../errors.js";
import { effectiveDelivery } from "../eventIngest.js";
import type { Instance } from "../instances.js";
import type { AccountStore } from "../ports/accounts.js";
import type { InstanceStore } from "../ports/instances.js";
import type { SigningSecretStore } from "../ports/webhooks.js";
import {
  type AttemptRecord,
  type DeliveryRecord,
  endpointIdFor,
  isRetryable,
  redactEndpoint,
  taskIdFor,
} from "./delivery.js";
import { type EnqueueDeps, enqueueDeliveries } from "./enqueue.js";
import { revealSigningSecret, rotateSigningSecret } from "./secrets.js";

// What the dashboard can do with an instance's webhooks: read the delivery log, send a test event,
// retry a delivery, reveal or rotate the signing secret, and re-enable an endpoint after a 410.
export interface WebhookDashboardDeps extends EnqueueDeps {
  instances: InstanceStore;
  secrets: SigningSecretStore;
  audit: Pick<AccountStore, "appendAudit">;
  /** How long the replaced signing secret keeps signing after a rotation. */
  graceMs: number;
}

export const TEST_EVENT_TYPE = "webhook_test";
const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

async function ownInstance(deps: WebhookDashboardDeps, accountId: string, instanceId: string) {
  const instance = await deps.instances.get(accountId, instanceId);
  // The same answer for another tenant's instance as for one that does not exist.
  if (!instance) throw new ApiError("NOT_FOUND", "No such instance.");
  return instance;
}

async function webhookUrlOf(deps: WebhookDashboardDeps, instance: Instance) {
  const defaults = await deps.instances.getDefaults(instance.accountId);
  return effectiveDelivery(instance, defaults).webhookUrl;
}

function attemptView(attempt: AttemptRecord) {
  return { ...attempt, startedAt: iso(attempt.startedAt), nextAttemptAt: iso(attempt.nextAttemptAt) };
}

function deliveryView(record: DeliveryRecord & { attempts: AttemptRecord[] }, now: number) {
  return {
    id: record.deliveryId,
    eventId: record.eventId,
    eventType: record.eventType,
    endpoint: record.endpoint,
    state: record.state,
    reason: record.reason,
    attemptCount: record.attemptCount,
    nextAttemptAt: iso(record.nextAttemptAt),
    lastStatusCode: record.lastStatusCode,
    lastError: record.lastError,
    createdAt: iso(record.createdAt),
    updatedAt: iso(record.updatedAt),
    retryable: isRetryable(record, now),
    attempts: record.attempts.map(attemptView),
  };
}

export async function listDeliveries(
  deps: WebhookDashboardDeps,
  accountId: string,
  instanceId: string,
  page: { pageNumber: number; pageSize: number },
) {
  const instance = await ownInstance(deps, accountId, instanceId);
  const url = await webhookUrlOf(deps, instance);
  const [{ items, totalCount }, endpoint] = await Promise.all([
    deps.deliveries.list(accountId, instanceId, page),
    url ? deps.deliveries.getEndpoint(accountId, instanceId, endpointIdFor(url)) : undefined,
  ]);
  const now = deps.clock.now();
  return {
    endpoint: url
      ? {
          url: redactEndpoint(url),
          enabled: !endpoint?.disabledAt,
          disabledAt: iso(endpoint?.disabledAt ?? null),
          reason: endpoint?.disabledAt ? endpoint.reason : null,
        }
      : null,
    items: items.map((item) => deliveryView(item, now)),
    totalCount,
    ...page,
  };
}

async function usableEndpoint(
  deps: WebhookDashboardDeps,
  accountId: string,
  instanceId: string,
  endpointId: string,
) {
  const endpoint = await deps.deliveries.getEndpoint(accountId, instanceId, endpointId);
  if (endpoint?.disabledAt) {
    throw new ApiError(
      "CONFLICT",
      `${endpoint.reason ?? "The endpoint is disabled."} Enable it again first.`,
    );
  }
}

export async function sendTestEvent(deps: WebhookDashboardDeps, accountId: string, instanceId: string) {
  const instance = await ownInstance(deps, accountId, instanceId);
  const url = await webhookUrlOf(deps, instance);
  if (!url)
    throw new ApiError("CONFLICT", "Set a webhookUrl for this instance (or as an account default) first.");
  const check = checkEgressUrl(url, deps.mode, "webhook");
  if (!check.ok) throw new ApiError("VALIDATION", `webhookUrl: ${check.reason}`);
  await usableEndpoint(deps, accountId, instanceId, endpointIdFor(url));
  const now = deps.clock.now();
  const eventId = `evt_${now}_${randomBytes(8).toString("hex")}`;
  const body = JSON.stringify({
    eventId,
    instanceId,
    eventType: TEST_EVENT_TYPE,
    receivedAt: new Date(now).toISOString(),
    eventData: { message: "Test event from WSAPI: verify its signature to finish your webhook setup." },
  });
  const [delivery] = await enqueueDeliveries(deps, instance, url, [
    { eventId, eventType: TEST_EVENT_TYPE, body },
  ]);
  return { deliveryId: delivery!.deliveryId, eventId };
}

export async function retryDelivery(deps: WebhookDashboardDeps, accountId: string, deliveryId: string) {
  const now = deps.clock.now();
  const held = await deps.deliveries.getPayload(deliveryId);
  const missing = new ApiError(
    "NOT_FOUND",
    "No retryable delivery with this id (event content is held until 24 hours after the last attempt).",
  );
  if (!held || held.ref.accountId !== accountId || held.expireAt <= now) throw missing;
  const record = await deps.deliveries.get(held.ref);
  if (!record) throw missing;
  if (!isRetryable(record, now)) {
    throw new ApiError(
      "CONFLICT",
      `This delivery is ${record.state}; only pending or exhausted ones are retried.`,
    );
  }
  await ownInstance(deps, accountId, record.instanceId);
  await usableEndpoint(deps, accountId, record.instanceId, record.endpointId);
  const task = {
    v: 1 as const,
    ...held.ref,
    trigger: "manual" as const,
    seq: record.manualAttempts + 1,
    dueAt: now,
  };
  const queued = await deps.tasks.enqueue(task, { id: taskIdFor(task), delaySeconds: 0 });
  return { deliveryId, queued: queued === "enqueued" };
}

export async function enableEndpoint(deps: WebhookDashboardDeps, accountId: string, instanceId: string) {
  const instance = await ownInstance(deps, accountId, instanceId);
  const url = await webhookUrlOf(deps, instance);
  if (!url) throw new ApiError("CONFLICT", "This instance has no webhookUrl.");
  await deps.deliveries.setEndpoint(accountId, instanceId, {
    endpointId: endpointIdFor(url),
    endpoint: redactEndpoint(url),
    disabledAt: null,
    reason: null,
  });
}

export async function revealSecret(
  deps: WebhookDashboardDeps,
  accountId: string,
  instanceId: string,
  requestId: string,
) {
  const instance = await ownInstance(deps, accountId, instanceId);
  const revealed = await revealSigningSecret(deps.secrets, instance, deps.clock.now());
  const at = deps.clock.now();
  await deps.audit.appendAudit(accountId, {
    action: "webhookSecret.revealed",
    at,
    requestId,
    target: instanceId,
  });
  return revealed;
}

export async function rotateSecret(
  deps: WebhookDashboardDeps,
  accountId: string,
  instanceId: string,
  requestId: string,
) {
  const instance = await ownInstance(deps, accountId, instanceId);
  const rotated = await rotateSigningSecret(deps.secrets, instance, deps.clock.now(), deps.graceMs);
  const at = deps.clock.now();
  await deps.audit.appendAudit(accountId, {
    action: "webhookSecret.rotated",
    at,
    requestId,
    target: instanceId,
  });
  return rotated;
}
