import type { EventEnvelope } from "@wsapi/contracts/events";
import type { Instance } from "../instances.js";
import type {
  AttemptRecord,
  DeliveryRecord,
  DeliveryRef,
  DeliveryTask,
  HttpOutcome,
} from "../webhooks/delivery.js";

// What webhook delivery needs from the outside world. Adapters live in adapters/webhooks/.

export interface NewDelivery {
  record: DeliveryRecord;
  /** Encrypted payload held for manual retries; absent when the delivery cannot be attempted. */
  payload?: { envelope: string; expireAt: number } | undefined;
}

export interface EndpointStatus {
  endpointId: string;
  endpoint: string;
  disabledAt: number | null;
  reason: string | null;
}

export interface DeliveryPage {
  items: Array<DeliveryRecord & { attempts: AttemptRecord[] }>;
  totalCount: number;
}

export interface DeliveryStore {
  /** Creates the deliveries that do not exist yet; answers the stored record of each, in order. */
  createMany(deliveries: NewDelivery[]): Promise<DeliveryRecord[]>;
  get(ref: DeliveryRef): Promise<DeliveryRecord | undefined>;
  /**
   * Runs `decide` on the freshest record in a transaction and stores the attempt and patch it
   * returns; undefined when `decide` declines (the attempt was already recorded).
   */
  recordAttempt<T extends { attempt: AttemptRecord; patch: Partial<DeliveryRecord> }>(
    ref: DeliveryRef,
    decide: (current: DeliveryRecord) => T | undefined,
  ): Promise<T | undefined>;
  /** Changes state without an attempt (endpoint disabled, instance gone), if still `from`. */
  setState(ref: DeliveryRef, from: DeliveryRecord["state"][], patch: Partial<DeliveryRecord>): Promise<void>;
  list(
    accountId: string,
    instanceId: string,
    page: { pageNumber: number; pageSize: number },
  ): Promise<DeliveryPage>;
  /** The held payload and whose it is, by delivery id alone (the retry route has nothing else). */
  getPayload(
    deliveryId: string,
  ): Promise<{ ref: DeliveryRef; envelope: string; expireAt: number } | undefined>;
  deletePayload(deliveryId: string): Promise<void>;
  /** Moves the held payload's expiry (its TTL); a payload already gone stays gone. */
  setPayloadExpiry(deliveryId: string, expireAt: number): Promise<void>;
  /**
   * Deletes up to `limit` deliveries of an instance with their attempts and held payloads, then
   * (once no delivery is left) its endpoint records; answers how many documents went, 0 when none is left.
   */
  deleteInstanceData(accountId: string, instanceId: string, limit: number): Promise<number>;
  getEndpoint(accountId: string, instanceId: string, endpointId: string): Promise<EndpointStatus | undefined>;
  setEndpoint(accountId: string, instanceId: string, status: EndpointStatus): Promise<void>;
}

export interface DeliveryTasks {
  /** Enqueues one attempt under `id`; a task with that id already queued or run is dropped. */
  enqueue(
    task: DeliveryTask,
    options: { id: string; delaySeconds: number },
  ): Promise<"enqueued" | "duplicate">;
}

export interface WebhookSender {
  post(url: string, body: string, headers: Record<string, string>): Promise<HttpOutcome>;
}

/** Decrypted signing material of one instance (and its account's default secret). */
export interface SigningSecretState {
  instanceSecret?: string | undefined;
  previous?: { secret: string; until: number } | undefined;
  accountDefault?: string | undefined;
  authValue?: string | undefined;
}

export interface SigningSecretStore {
  read(instance: Instance): Promise<SigningSecretState>;
  /** Stores `generated` as the instance's secret unless it has one; answers the secret in force. */
  setIfAbsent(instance: Instance, generated: string): Promise<string>;
  /**
   * In one transaction: `previous(state)` (the secret in force) is kept until `until` and `next`
   * becomes the instance's secret.
   */
  rotate(
    instance: Instance,
    next: string,
    until: number,
    previous: (state: SigningSecretState) => string | undefined,
  ): Promise<void>;
}

export interface WebhookQueue {
  /** Enqueues one delivery per event; duplicates (same event id and endpoint) are dropped. */
  enqueue(instance: Instance, webhookUrl: string, events: EventEnvelope[]): Promise<void>;
}
