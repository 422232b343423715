import type { v2 } from "@google-cloud/run";
import type { SecretManagerServiceClient } from "@google-cloud/secret-manager";
import { type Clock, systemClock } from "../core/ports/clock.js";
import type { Cell, InstanceRuntime, InstanceRuntimeSpec, RuntimeStatus } from "../core/ports/runtime.js";
import {
  ALREADY_EXISTS,
  apiError,
  CloudRuntimeError,
  DEADLINE_EXCEEDED,
  grpcCode,
  NOT_FOUND,
  UNAVAILABLE,
} from "./cloudRun/apiErrors.js";
import { ensureInstanceSecret, removeInstanceSecret } from "./cloudRun/instanceSecret.js";
import {
  ANNOTATION_INSTANCE_ID,
  ANNOTATION_RESTARTED_AT,
  assertImageByDigest,
  instanceAccountId,
  instanceServiceAccount,
  LABEL_INSTANCE,
  LABEL_OWNER,
  labelValue,
  secretName,
  serviceId,
  serviceName,
  servicesParent,
} from "./cloudRun/names.js";
import {
  type InstanceAccounts,
  PROPAGATION_DELAYS_MS,
  whileAccountPropagates,
} from "./cloudRun/serviceAccounts.js";
import {
  buildService,
  type CloudRunService,
  specMatches,
  statusOf,
  templateAnnotation,
} from "./cloudRun/serviceSpec.js";

// Production instance runtime: one Cloud Run service per WhatsApp instance, in the instance's
// cell. The caller builds both clients, so tests point their REST transport at a local fake.

/** A cell plus the Direct VPC egress its instance services attach to. */
export interface CloudRunCell extends Cell {
  network: string;
  subnetwork: string;
}

export interface OperationPolling {
  initialDelayMs: number;
  maxDelayMs: number;
  /** How long one call waits on a rollout before it reports the instance as still starting. */
  timeoutMs: number;
}

export interface CloudRunRuntimeOptions {
  services: v2.ServicesClient;
  secrets: SecretManagerServiceClient;
  /** Creates and deletes the per-instance service accounts (IAM REST). */
  accounts: InstanceAccounts;
  /** `<registry path>@sha256:<64 hex>`: instances deploy by digest only. */
  image: string;
  /** Service account emails granted roles/run.invoker on instance services, and no one else. */
  invokers: string[];
  cells: CloudRunCell[];
  resources?: { cpu: string; memory: string };
  polling?: Partial<OperationPolling>;
  /** Waits between attempts while a just-created instance account propagates through IAM. */
  propagationDelaysMs?: readonly number[];
  clock?: Clock;
}

// A deploy usually settles within two minutes. One wait stays well inside the provisioning task's
// 540 s deadline (triggers/provisioning.ts): a longer rollout is reported as still starting, and the
// task's next attempt waits on the same rollout again rather than starting another.
const DEFAULT_POLLING: OperationPolling = {
  initialDelayMs: 1_000,
  maxDelayMs: 10_000,
  timeoutMs: 300_000,
};
const DEFAULT_RESOURCES = { cpu: "1", memory: "512Mi" };

interface PendingOperation<T> {
  name?: string;
  promise(): Promise<[T, ...unknown[]]>;
}

const EMAIL = /^[a-z][a-z0-9-]{4,28}[a-z0-9]@[a-z][a-z0-9.:-]*\.iam\.gserviceaccount\.com$/;

export function cloudRunRuntime(options: CloudRunRuntimeOptions): InstanceRuntime {
  const { services, secrets, accounts, clock = systemClock } = options;
  assertImageByDigest(options.image);
  if (options.invokers.length === 0 || !options.invokers.every((email) => EMAIL.test(email))) {
    throw new Error(
      `instance invokers must be service account emails, got ${JSON.stringify(options.invokers)}`,
    );
  }
  const polling = { ...DEFAULT_POLLING, ...options.polling };
  const propagationDelaysMs = options.propagationDelaysMs ?? PROPAGATION_DELAYS_MS;
  const callOptions = {
    longrunning: {
      initialRetryDelayMillis: polling.initialDelayMs,
      retryDelayMultiplier: 1.5,
      maxRetryDelayMillis: polling.maxDelayMs,
      totalTimeoutMillis: polling.timeoutMs,
    },
  };

  function resolveCell(cell: Cell | undefined): Cell {
    if (cell) return cell;
    const [only, ...others] = options.cells;
    if (only && others.length === 0) return only;
    throw new Error("the Cloud Run runtime needs a cell when it is not configured with exactly one");
  }

  function configuredCell(cell: Cell): CloudRunCell {
    const configured = options.cells.find((candidate) => candidate.id === cell.id);
    if (!configured) throw new Error(`cell ${cell.id} is not configured for the Cloud Run runtime`);
    return configured;
  }

  /**
   * Starts a long-running call and waits for it up to polling.timeoutMs; undefined when it is still
   * running then. Errors name the operation, never a value.
   */
  async function completed<T>(
    action: string,
    start: () => Promise<[PendingOperation<T>, ...unknown[]]>,
    secretValues: string[] = [],
  ): Promise<T | undefined> {
    let operation: PendingOperation<T>;
    try {
      // A service account minted a moment ago may not be visible to Cloud Run yet.
      [operation] = await whileAccountPropagates(start, propagationDelaysMs);
    } catch (error) {
      throw apiError(action, error, { secrets: secretValues });
    }
    try {
      const [result] = await operation.promise();
      return result;
    } catch (error) {
      // The wait ran out (or a poll timed out); the operation itself goes on in Cloud Run.
      if (grpcCode(error) === DEADLINE_EXCEEDED) return undefined;
      throw apiError(action, error, { secrets: secretValues, operation: operation.name ?? "unnamed" });
    }
  }

  /** Polls a service whose rollout is under way until it settles or this attempt's wait runs out. */
  async function settled(service: CloudRunService): Promise<CloudRunService> {
    const name = service.name ?? "";
    const deadline = Date.now() + polling.timeoutMs;
    let current = service;
    let delay = polling.initialDelayMs;
    while (current.reconciling && Date.now() + delay <= deadline) {
      await new Promise((resolve) => setTimeout(resolve, delay));
      delay = Math.min(delay * 1.5, polling.maxDelayMs);
      const latest = await getService(name);
      if (!latest) throw new CloudRuntimeError(`service ${name} vanished during its rollout`, NOT_FOUND);
      current = latest;
    }
    return current;
  }

  /** The service after an operation: its result, or its current state when the wait ran out. */
  async function afterOperation(name: string, result: CloudRunService | undefined) {
    if (result) return result;
    const current = await getService(name);
    if (!current) throw new CloudRuntimeError(`service ${name} vanished during its rollout`, NOT_FOUND);
    return current;
  }

  async function getService(name: string): Promise<CloudRunService | undefined> {
    try {
      const [service] = await services.getService({ name });
      return service;
    } catch (error) {
      if (grpcCode(error) === NOT_FOUND) return undefined;
      throw apiError(`get service ${name}`, error);
    }
  }

  async function updateService(service: CloudRunService, secretValues: string[] = []) {
    const result = await completed<CloudRunService>(
      `update service ${service.name}`,
      () => services.updateService({ service }, callOptions),
      secretValues,
    );
    return afterOperation(service.name ?? "", result);
  }

  async function createService(cell: Cell, service: CloudRunService, secretValues: string[]) {
    const name = service.name ?? "";
    const id = name.split("/").pop() ?? "";
    try {
      const result = await completed<CloudRunService>(
        `create service ${name}`,
        () => services.createService({ parent: servicesParent(cell), serviceId: id, service }, callOptions),
        secretValues,
      );
      return await afterOperation(name, result);
    } catch (error) {
      // Created concurrently since our read: converge by updating instead.
      const lostRace =
        error instanceof CloudRuntimeError && !error.operation && error.code === ALREADY_EXISTS;
      if (!lostRace) throw error;
      return updateService(service, secretValues);
    }
  }

  /** The whole policy, replaced: the configured invokers and nobody else. */
  async function allowOnlyInvokers(name: string): Promise<void> {
    const members = options.invokers.map((email) => `serviceAccount:${email}`);
    try {
      await services.setIamPolicy({
        resource: name,
        policy: { bindings: [{ role: "roles/run.invoker", members }] },
      });
    } catch (error) {
      throw apiError(`set invoker policy of service ${name}`, error);
    }
  }

  return {
    async ensure(spec: InstanceRuntimeSpec): Promise<RuntimeStatus> {
      const cell = resolveCell(spec.cell);
      const { network, subnetwork } = configuredCell(cell);
      const name = serviceName(cell, spec.instanceId);
      const serviceAccount = instanceServiceAccount(cell, spec.instanceId);
      const secret = secretName(cell, spec.instanceId);
      const secretValues = [spec.instanceSecret];

      // The account first: the secret's policy and the service both name it.
      await accounts.ensure(cell.projectId, instanceAccountId(spec.instanceId), {
        displayName: `WSAPI instance ${spec.instanceId}`,
        description: `Runs WSAPI instance ${spec.instanceId} of account ${spec.accountId}; no project roles.`,
      });
      const secretVersion = await ensureInstanceSecret(secrets, {
        name: secret,
        region: cell.region,
        value: spec.instanceSecret,
        accessor: serviceAccount,
        labels: { [LABEL_OWNER]: labelValue(spec.accountId), [LABEL_INSTANCE]: labelValue(spec.instanceId) },
        propagationDelaysMs,
      });
      const existing = await getService(name);
      const desired = buildService({
        name,
        instanceId: spec.instanceId,
        accountId: spec.accountId,
        image: options.image,
        serviceAccount,
        network,
        subnetwork,
        resources: options.resources ?? DEFAULT_RESOURCES,
        env: spec.env,
        secretName: secret,
        secretVersion,
        // Carried over so that an unchanged spec does not roll a needless revision.
        restartedAt: existing && templateAnnotation(existing, ANNOTATION_RESTARTED_AT),
      });
      let service: CloudRunService;
      if (!existing) service = await createService(cell, desired, secretValues);
      // Already what we want (an earlier attempt's rollout, maybe still running): wait, roll nothing.
      else if (specMatches(existing, desired)) service = await settled(existing);
      else service = await updateService(desired, secretValues);
      await allowOnlyInvokers(name);
      const status = statusOf(service);
      return status.state === "starting" ? { ...status, rolloutPending: true } : status;
    },

    async restart(instanceId: string, cell?: Cell): Promise<void> {
      const name = serviceName(resolveCell(cell), instanceId);
      const existing = await getService(name);
      if (!existing) throw new CloudRuntimeError(`restart of service ${name} failed: NOT_FOUND`, NOT_FOUND);
      // Any template change rolls a new revision; a timestamp annotation changes nothing else.
      const { revision: _revision, ...template } = existing.template ?? {};
      const restartedAt = new Date(clock.now()).toISOString();
      await updateService({
        name,
        labels: existing.labels,
        annotations: existing.annotations,
        launchStage: existing.launchStage,
        ingress: existing.ingress,
        invokerIamDisabled: existing.invokerIamDisabled,
        scaling: existing.scaling,
        template: {
          ...template,
          annotations: { ...template.annotations, [ANNOTATION_RESTARTED_AT]: restartedAt },
        },
      });
    },

    async remove(instanceId: string, cell?: Cell): Promise<void> {
      const resolved = resolveCell(cell);
      const name = serviceName(resolved, instanceId);
      try {
        const deleted = await completed(`delete service ${name}`, () =>
          services.deleteService({ name }, callOptions),
        );
        // The account goes only once nothing runs as it; a retry deletes again or finds it gone.
        if (!deleted && (await getService(name))) {
          throw new CloudRuntimeError(`delete of service ${name} is still in progress`, UNAVAILABLE);
        }
      } catch (error) {
        if (!(error instanceof CloudRuntimeError && error.code === NOT_FOUND)) throw error;
      }
      await removeInstanceSecret(secrets, secretName(resolved, instanceId));
      await accounts.remove(resolved.projectId, instanceServiceAccount(resolved, instanceId));
    },

    async status(instanceId: string, cell?: Cell): Promise<RuntimeStatus> {
      const service = await getService(serviceName(resolveCell(cell), instanceId));
      return service ? statusOf(service) : { state: "missing" };
    },

    async list(cell?: Cell): Promise<string[]> {
      const instanceIds = new Set<string>();
      for (const listed of cell ? [cell] : options.cells) {
        const parent = servicesParent(listed);
        try {
          for await (const service of services.listServicesAsync({ parent }, { autoPaginate: false })) {
            const instanceId = service.annotations?.[ANNOTATION_INSTANCE_ID];
            // Only services this adapter made, whose name still matches the id they claim.
            if (!service.labels?.[LABEL_INSTANCE] || !instanceId) continue;
            if (service.name?.endsWith(`/services/${serviceId(instanceId)}`)) instanceIds.add(instanceId);
          }
        } catch (error) {
          throw apiError(`list services in ${parent}`, error);
        }
      }
      return [...instanceIds];
    },
  };
}
