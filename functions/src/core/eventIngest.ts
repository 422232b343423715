import type { EventEnvelope } from "@wsapi/contracts/events";
import { SESSION_EVENT_TYPES } from "@wsapi/contracts/events";
import { appendEvents, type EventLogDeps } from "./eventLog.js";
import type { Instance, InstanceDefaults } from "./instances.js";
import { recordReceipts } from "./messageTimeline.js";
import type { Clock } from "./ports/clock.js";
import type { InstanceStore } from "./ports/instances.js";
import type { MessageTimelineStore } from "./ports/messageTimeline.js";
import type { WebhookQueue } from "./ports/webhooks.js";
import { countIngested, type StatsRecorder } from "./stats/record.js";

// What happens to events an instance reports: device status is recorded (metadata only), the
// instance's filters (or the account defaults) decide which are delivered, those are logged
// (encrypted: the event stream's replay and the body webhook attempts read) and handed to the
// webhook queue — in pull mode only the session events are. A suspended account's events are
// accepted (so its instances do not retry them) and delivered nowhere.
export interface IngestDeps {
  instances: InstanceStore;
  /** False for a suspended (or deleted) account; may be cached for a few seconds. */
  accountActive(accountId: string): Promise<boolean>;
  clock: Clock;
  webhooks?: WebhookQueue;
  eventLog: EventLogDeps;
  /** Message timelines (core/messageTimeline.ts): receipts are recorded, whatever the filters. */
  timelines?: MessageTimelineStore;
  /** Hourly message counters (core/stats/). */
  stats?: StatsRecorder;
}

const isSessionEvent = (eventType: string) => (SESSION_EVENT_TYPES as readonly string[]).includes(eventType);

/** Instance settings win; with `useCustomDefaults` unset, the account defaults fill the gaps. */
export function effectiveDelivery(instance: Instance, defaults: InstanceDefaults) {
  const settings = instance.settings;
  const webhookUrl = settings.webhookUrl ?? (settings.useCustomDefaults ? null : defaults.defaultWebhookUrl);
  const filters = settings.eventFilters ?? (settings.useCustomDefaults ? null : defaults.defaultEventFilters);
  return { webhookUrl, filters: filters && filters.length > 0 ? new Set(filters) : undefined };
}

function passesFilters(eventType: string, filters: Set<string> | undefined): boolean {
  return !filters || filters.has(eventType) || isSessionEvent(eventType);
}

function deviceUpdate(instance: Instance, events: EventEnvelope[]) {
  let device = instance.device ?? { isConnected: false, isLoggedIn: false, deviceId: null };
  let changed = false;
  for (const event of events) {
    if (event.eventType === "logged_in") {
      device = { isConnected: true, isLoggedIn: true, deviceId: event.eventData.deviceId ?? device.deviceId };
      changed = true;
    } else if (event.eventType === "logged_out") {
      device = { isConnected: false, isLoggedIn: false, deviceId: null };
      changed = true;
    }
  }
  return changed ? device : undefined;
}

export async function ingestEvents(deps: IngestDeps, instance: Instance, batch: EventEnvelope[]) {
  // Customers know their instance by its own id, not the runtime's.
  const events = batch.map((event) => ({ ...event, instanceId: instance.instanceId }));
  const device = deviceUpdate(instance, events);
  if (device) await deps.instances.update(instance.accountId, instance.instanceId, { device });
  if (!(await deps.accountActive(instance.accountId))) return { accepted: events.length, deliverable: 0 };
  if (deps.timelines)
    await recordReceipts({ timelines: deps.timelines, clock: deps.clock }, instance, events);
  const { webhookUrl, filters } = effectiveDelivery(
    instance,
    await deps.instances.getDefaults(instance.accountId),
  );
  const deliverable = events.filter((event) => passesFilters(event.eventType, filters));
  // Logged first: a webhook attempt reads the body from the log.
  await appendEvents(deps.eventLog, instance, deliverable);
  const pushed = instance.settings.pullMode
    ? deliverable.filter((event) => isSessionEvent(event.eventType))
    : deliverable;
  if (webhookUrl && pushed.length > 0 && deps.webhooks) {
    await deps.webhooks.enqueue(instance, webhookUrl, pushed);
  }
  await countIngested(deps.stats, instance, events);
  return { accepted: events.length, deliverable: webhookUrl ? pushed.length : 0 };
}
