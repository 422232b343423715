import { randomBytes } from "node:crypto";
import { EMPTY_DEFAULTS, type Instance } from "../../src/core/instances.js";
import type { InstanceStore } from "../../src/core/ports/instances.js";
import type {
  DeliveryStore,
  DeliveryTasks,
  EndpointStatus,
  SigningSecretState,
  SigningSecretStore,
} from "../../src/core/ports/webhooks.js";
import type {
  AttemptRecord,
  DeliveryRecord,
  DeliveryTask,
  HttpOutcome,
} from "../../src/core/webhooks/delivery.js";
import type { EnqueueDeps } from "../../src/core/webhooks/enqueue.js";
import { webhookLogEvents } from "../../src/core/webhooks/logs.js";
import { handleDeliveryTask, type WorkerDeps } from "../../src/core/webhooks/worker.js";
import { memoryEventLog } from "./memoryEventLog.js";
import { fakeClock, memoryKeyRing } from "./memoryStores.js";

// In-memory webhook adapters with the semantics the Firestore and Cloud Tasks ones promise:
// create-if-absent, atomic attempt recording, task ids that are never reused.
const clone = <T>(value: T): T => structuredClone(value);
const key = (ref: { accountId: string; instanceId: string; deliveryId: string }) =>
  `${ref.accountId}/${ref.instanceId}/${ref.deliveryId}`;

function memoryDeliveryStore() {
  const records = new Map<string, DeliveryRecord>();
  const attempts = new Map<string, AttemptRecord[]>();
  const payloads = new Map<string, { ref: DeliveryRecord; envelope: string; expireAt: number }>();
  const endpoints = new Map<string, EndpointStatus>();
  const store: DeliveryStore = {
    async createMany(deliveries) {
      return deliveries.map(({ record, payload }) => {
        const existing = records.get(key(record));
        if (existing) return clone(existing);
        records.set(key(record), clone(record));
        if (payload) payloads.set(record.deliveryId, { ref: clone(record), ...payload });
        return clone(record);
      });
    },
    async get(ref) {
      const found = records.get(key(ref));
      return found && clone(found);
    },
    async recordAttempt(ref, decide) {
      const current = records.get(key(ref));
      const decision = current && decide(clone(current));
      if (!current || !decision) return undefined;
      records.set(key(ref), { ...current, ...decision.patch });
      attempts.set(key(ref), [...(attempts.get(key(ref)) ?? []), clone(decision.attempt)]);
      return decision;
    },
    async setState(ref, from, patch) {
      const current = records.get(key(ref));
      if (current && from.includes(current.state)) records.set(key(ref), { ...current, ...patch });
    },
    async list(accountId, instanceId, { pageNumber, pageSize }) {
      const all = [...records.values()]
        .filter((record) => record.accountId === accountId && record.instanceId === instanceId)
        .sort((a, b) => b.createdAt - a.createdAt);
      const page = all.slice((pageNumber - 1) * pageSize, pageNumber * pageSize);
      return {
        items: page.map((record) => ({ ...clone(record), attempts: clone(attempts.get(key(record)) ?? []) })),
        totalCount: all.length,
      };
    },
    async getPayload(deliveryId) {
      const held = payloads.get(deliveryId);
      if (!held) return undefined;
      const { accountId, instanceId } = held.ref;
      return { ref: { accountId, instanceId, deliveryId }, envelope: held.envelope, expireAt: held.expireAt };
    },
    async deletePayload(deliveryId) {
      payloads.delete(deliveryId);
    },
    async setPayloadExpiry(deliveryId, expireAt) {
      const held = payloads.get(deliveryId);
      if (held) held.expireAt = expireAt;
    },
    async deleteInstanceData(accountId, instanceId, limit) {
      const owned = (ref: { accountId: string; instanceId: string }) =>
        ref.accountId === accountId && ref.instanceId === instanceId;
      const victims = [...records.values()].filter(owned).slice(0, limit);
      let deleted = 0;
      for (const record of victims) {
        deleted += 2 + (attempts.get(key(record))?.length ?? 0);
        records.delete(key(record));
        attempts.delete(key(record));
        payloads.delete(record.deliveryId);
      }
      if (victims.length > 0) return deleted;
      for (const name of [...endpoints.keys()]) {
        if (name.startsWith(`${accountId}/${instanceId}/`)) {
          endpoints.delete(name);
          deleted++;
        }
      }
      return deleted;
    },
    async getEndpoint(accountId, instanceId, endpointId) {
      const found = endpoints.get(`${accountId}/${instanceId}/${endpointId}`);
      return found && clone(found);
    },
    async setEndpoint(accountId, instanceId, status) {
      endpoints.set(`${accountId}/${instanceId}/${status.endpointId}`, clone(status));
    },
  };
  return { store, records, attempts, payloads, endpoints };
}

function memoryTasks() {
  const seen = new Set<string>();
  const queue: Array<{ id: string; task: DeliveryTask; delaySeconds: number }> = [];
  const tasks: DeliveryTasks = {
    async enqueue(task, { id, delaySeconds }) {
      if (seen.has(id)) return "duplicate";
      seen.add(id);
      queue.push({ id, task: clone(task), delaySeconds });
      return "enqueued";
    },
  };
  return { tasks, queue, seen };
}

function memorySecrets(initial: Record<string, SigningSecretState> = {}) {
  const states = new Map<string, SigningSecretState>(Object.entries(initial));
  const store: SigningSecretStore = {
    async read(instance) {
      return clone(states.get(instance.runtimeId) ?? {});
    },
    async setIfAbsent(instance, generated) {
      const state = states.get(instance.runtimeId) ?? {};
      if (state.instanceSecret) return state.instanceSecret;
      states.set(instance.runtimeId, { ...state, instanceSecret: generated });
      return generated;
    },
    async rotate(instance, next, until, previous) {
      const state = states.get(instance.runtimeId) ?? {};
      const replaced = previous(clone(state));
      states.set(instance.runtimeId, {
        ...state,
        instanceSecret: next,
        previous: replaced ? { secret: replaced, until } : undefined,
      });
    },
  };
  return { store, states };
}

/** A whole delivery pipeline in memory, driven by a fake clock and a scripted receiver. */
export function webhookWorld(
  options: { instance?: Instance; respond?: (index: number) => HttpOutcome; start?: number } = {},
) {
  const instance = options.instance ?? testInstance();
  const clock = fakeClock(options.start);
  const deliveries = memoryDeliveryStore();
  const eventLog = memoryEventLog();
  const queued = memoryTasks();
  const secrets = memorySecrets();
  const instances = memoryInstances([instance]);
  const sent: Array<{ url: string; body: string; headers: Record<string, string>; at: number }> = [];
  const script = {
    respond: options.respond ?? ((): HttpOutcome => ({ kind: "response", status: 200, durationMs: 12 })),
  };
  const logLines: string[] = [];
  /** Accounts the worker sees as suspended. */
  const suspended = new Set<string>();
  const deps: WorkerDeps = {
    instances: instances.store,
    deliveries: deliveries.store,
    eventLog: eventLog.store,
    tasks: queued.tasks,
    secrets: secrets.store,
    sender: {
      async post(url, body, headers) {
        sent.push({ url, body, headers, at: clock.now() });
        return script.respond(sent.length - 1);
      },
    },
    keyRing: memoryKeyRing({ 1: randomBytes(32) }, 1),
    clock,
    schedule: { scale: 1, random: () => 0.5 },
    logs: webhookLogEvents({
      event: (_severity, name, fields) => logLines.push(JSON.stringify({ name, ...fields })),
    }),
    sleep: async (ms) => {
      clock.advance(ms);
    },
    accountActive: async (accountId) => !suspended.has(accountId),
  };
  const enqueueDeps: EnqueueDeps = { ...deps, mode: "local" };
  /** Runs queued tasks in order, moving the clock to each task's due time, until none is left. */
  async function drain(limit = 100) {
    let ran = 0;
    while (queued.queue.length > 0 && ran++ < limit) {
      const { task } = queued.queue.shift()!;
      if (task.dueAt > clock.now()) clock.advance(task.dueAt - clock.now());
      await handleDeliveryTask(task, deps);
    }
  }
  return {
    instance,
    clock,
    deliveries,
    eventLog,
    queued,
    secrets,
    instances,
    sent,
    deps,
    enqueueDeps,
    drain,
    logLines,
    script,
    suspended,
  };
}

export function testInstance(overrides: Partial<Instance["settings"]> = {}): Instance {
  return {
    instanceId: "sales-1",
    accountId: "acct-1",
    runtimeId: "wi0123456789abcdef0123",
    name: "Sales",
    createdAt: 1_700_000_000_000,
    settings: {
      useCustomDefaults: false,
      pullMode: false,
      webhookUrl: "http://127.0.0.1:9/hook",
      historySync: false,
      eventFilters: null,
      webhookAuthHeader: null,
      hasSigningSecret: false,
      hasWebhookAuthValue: false,
      ...overrides,
    },
    apiKey: { prefix: "wsk_test", createdAt: 1_700_000_000_000 },
    runtime: { state: "running", updatedAt: 1_700_000_000_000 },
  };
}

/** Only what webhook delivery reads from the instance store. */
export function memoryInstances(instances: Instance[]) {
  const byKey = new Map(
    instances.map((instance) => [`${instance.accountId}/${instance.instanceId}`, instance]),
  );
  const store = {
    async get(accountId: string, instanceId: string) {
      return byKey.get(`${accountId}/${instanceId}`);
    },
    async getDefaults() {
      return EMPTY_DEFAULTS;
    },
  };
  return { store: store as unknown as InstanceStore, byKey };
}
