import type { DeletionRecord } from "../instanceDeletion.js";
import type { Instance, InstanceDefaults } from "../instances.js";
import type { StoredKey } from "./accounts.js";

// Instances, their deletion jobs and the queue that provisions their runtimes.

export type CreateInstanceOutcome = "created" | "exists" | "limit" | "no-subscription";

/** Ciphertexts of one instance's secrets, keyed by field name (apiKey, runtimeSecret, …). */
export type InstanceSecretFields = Record<string, string>;

export interface InstanceStore {
  /**
   * Creates instance, key and secrets in one transaction that also puts the instance on its
   * subscription (instance.subscriptionId) within that subscription's capacity, and records the change.
   */
  create(
    instance: Instance & { subscriptionId: string },
    key: StoredKey,
    secrets: InstanceSecretFields,
  ): Promise<CreateInstanceOutcome>;
  get(accountId: string, instanceId: string): Promise<Instance | undefined>;
  getByRuntime(runtimeId: string): Promise<Instance | undefined>;
  list(
    accountId: string,
    page: { pageNumber: number; pageSize: number },
  ): Promise<{ items: Instance[]; totalCount: number }>;
  listAll(): AsyncIterable<Instance>;
  update(accountId: string, instanceId: string, patch: Record<string, unknown>): Promise<boolean>;
  rotateKey(accountId: string, instanceId: string, next: StoredKey): Promise<boolean>;
  getSecrets(runtimeId: string): Promise<InstanceSecretFields | undefined>;
  /** Sets (string) or removes (null) secret fields. */
  setSecrets(runtimeId: string, fields: Record<string, string | null>): Promise<void>;
  /**
   * Deletes the instance, its key and secrets, frees its subscription slot (a recorded change) and records the deletion job
   * (core/instanceDeletion.ts) in the same transaction; undefined when absent.
   */
  delete(accountId: string, instanceId: string): Promise<Instance | undefined>;
  getDefaults(accountId: string): Promise<InstanceDefaults>;
  setDefaults(accountId: string, defaults: InstanceDefaults): Promise<void>;
}

export interface InstanceDeletionStore {
  get(runtimeId: string): Promise<DeletionRecord | undefined>;
  /** Every unfinished job, for the reconciler. */
  list(): AsyncIterable<DeletionRecord>;
  /** Records progress; a finished (removed) job stays removed. */
  update(runtimeId: string, patch: Partial<DeletionRecord>): Promise<void>;
  remove(runtimeId: string): Promise<void>;
  deleteSessionState(runtimeId: string): Promise<void>;
  /** One page of the instance's delivery data, event log and hourly stats; 0 when none is left. */
  deleteDeliveryData(accountId: string, instanceId: string, limit: number): Promise<number>;
}

/** Asks for the runtime of an instance to be created, updated or removed (a Cloud Task). */
export interface Provisioner {
  provision(runtimeId: string): Promise<void>;
  teardown(runtimeId: string, cellId?: string): Promise<void>;
  restart(runtimeId: string): Promise<void>;
}
