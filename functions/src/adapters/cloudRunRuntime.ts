import type { v2 } from "@google-cloud/run";
import type { SecretManagerServiceClient } from "@google-cloud/secret-manager";
import { type Clock, systemClock } from "../core/ports.js";
import type { Cell, InstanceRuntime, InstanceRuntimeSpec, RuntimeStatus } from "../core/runtime.js";
import { ALREADY_EXISTS, apiError, CloudRuntimeError, grpcCode, NOT_FOUND } from "./cloudRun/apiErrors.js";
import { ensureInstanceSecret, removeInstanceSecret } from "./cloudRun/instanceSecret.js";
import {
  ANNOTATION_INSTANCE_ID,
  ANNOTATION_RESTARTED_AT,
  instanceServiceAccount,
  LABEL_INSTANCE,
  LABEL_OWNER,
  labelValue,
  secretName,
  serviceId,
  serviceName,
  servicesParent,
} from "./cloudRun/names.js";
import { buildService, type CloudRunService, statusOf, templateAnnotation } from "./cloudRun/serviceSpec.js";

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
  timeoutMs: number;
}

export interface CloudRunRuntimeOptions {
  services: v2.ServicesClient;
  secrets: SecretManagerServiceClient;
  image: string;
  /** The only principal granted roles/run.invoker on instance services. */
  gatewayServiceAccount: string;
  cells: CloudRunCell[];
  resources?: { cpu: string; memory: string };
  polling?: Partial<OperationPolling>;
  clock?: Clock;
}

// A deploy usually settles within two minutes; ten bound a stuck rollout.
const DEFAULT_POLLING: OperationPolling = {
  initialDelayMs: 1_000,
  maxDelayMs: 10_000,
  timeoutMs: 10 * 60_000,
};
const DEFAULT_RESOURCES = { cpu: "1", memory: "512Mi" };

interface PendingOperation<T> {
  name?: string;
  promise(): Promise<[T, ...unknown[]]>;
}

export function cloudRunRuntime(options: CloudRunRuntimeOptions): InstanceRuntime {
  const { services, secrets, clock = systemClock } = options;
  const polling = { ...DEFAULT_POLLING, ...options.polling };
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

  /** Starts a long-running call and waits for it; errors name the operation, never a value. */
  async function completed<T>(
    action: string,
    start: () => Promise<[PendingOperation<T>, ...unknown[]]>,
    secretValues: string[] = [],
  ): Promise<T> {
    let operation: PendingOperation<T>;
    try {
      [operation] = await start();
    } catch (error) {
      throw apiError(action, error, { secrets: secretValues });
    }
    try {
      const [result] = await operation.promise();
      return result;
    } catch (error) {
      throw apiError(action, error, { secrets: secretValues, operation: operation.name ?? "unnamed" });
    }
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

  function updateService(service: CloudRunService, secretValues: string[] = []) {
    return completed<CloudRunService>(
      `update service ${service.name}`,
      () => services.updateService({ service }, callOptions),
      secretValues,
    );
  }

  async function createService(cell: Cell, service: CloudRunService, secretValues: string[]) {
    const name = service.name ?? "";
    const id = name.split("/").pop() ?? "";
    try {
      return await completed<CloudRunService>(
        `create service ${name}`,
        () => services.createService({ parent: servicesParent(cell), serviceId: id, service }, callOptions),
        secretValues,
      );
    } catch (error) {
      // Created concurrently since our read: converge by updating instead.
      const lostRace =
        error instanceof CloudRuntimeError && !error.operation && error.code === ALREADY_EXISTS;
      if (!lostRace) throw error;
      return updateService(service, secretValues);
    }
  }

  async function allowOnlyGateway(name: string): Promise<void> {
    try {
      await services.setIamPolicy({
        resource: name,
        policy: {
          bindings: [
            { role: "roles/run.invoker", members: [`serviceAccount:${options.gatewayServiceAccount}`] },
          ],
        },
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

      const secretVersion = await ensureInstanceSecret(secrets, {
        name: secret,
        region: cell.region,
        value: spec.instanceSecret,
        accessor: serviceAccount,
        labels: { [LABEL_OWNER]: labelValue(spec.accountId), [LABEL_INSTANCE]: labelValue(spec.instanceId) },
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
      const service = existing
        ? await updateService(desired, secretValues)
        : await createService(cell, desired, secretValues);
      await allowOnlyGateway(name);
      return statusOf(service);
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
        await completed(`delete service ${name}`, () => services.deleteService({ name }, callOptions));
      } catch (error) {
        if (!(error instanceof CloudRuntimeError && error.code === NOT_FOUND)) throw error;
      }
      await removeInstanceSecret(secrets, secretName(resolved, instanceId));
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
