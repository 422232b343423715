import { INSTANCE_ENV } from "@wsapi/contracts/env";
import { decryptText } from "./aead.js";
import { isStalled, runTeardown } from "./instanceDeletion.js";
import { INSTANCE_SECRETS } from "./instanceService.js";
import type { Instance, RuntimeRecord } from "./instances.js";
import type { Logger } from "./logs.js";
import type { Clock } from "./ports/clock.js";
import type { InstanceDeletionStore, InstanceStore } from "./ports/instances.js";
import type { KeyRing } from "./ports/keyRing.js";
import type { Cell, InstanceRuntime, RuntimeStatus } from "./ports/runtime.js";
import { runtimeDetailCode } from "./runtimeDetail.js";

// Brings runtimes in line with Firestore: the provisioning task handler and the reconciler.
export interface ProvisioningDeps {
  instances: InstanceStore;
  runtime: InstanceRuntime;
  keyRing: KeyRing;
  clock: Clock;
  /** Environment every instance gets: control-plane URL, gateway public JWK, transport… */
  baseEnv: Record<string, string>;
  cells: Cell[];
  chooseCell: () => Promise<Cell | undefined>;
  /** Where the provider's raw text about a runtime goes (redacted); never to the instance record. */
  logger?: Logger;
  /** Instance deletion jobs (core/instanceDeletion.ts): run by the teardown task, resumed here. */
  deletions?: InstanceDeletionStore;
  sleep?: (ms: number) => Promise<void>;
}

const sleepFor = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The teardown task: runs (or resumes) the deletion job of one runtime. */
export async function teardownRuntime(deps: ProvisioningDeps, runtimeId: string, cellId?: string) {
  if (!deps.deletions)
    return deps.runtime.remove(
      runtimeId,
      deps.cells.find((c) => c.id === cellId),
    );
  await runTeardown({ ...deps, deletions: deps.deletions, sleep: deps.sleep ?? sleepFor }, runtimeId, cellId);
}

/** The record customers can read: the provider's text becomes a code, the text itself is only logged. */
function record(
  deps: Pick<ProvisioningDeps, "clock" | "logger">,
  runtimeId: string,
  status: RuntimeStatus,
  cellId?: string,
): RuntimeRecord {
  const code = runtimeDetailCode(status.state, status.detail);
  if (status.detail && code !== status.detail) {
    deps.logger?.event(status.state === "starting" ? "INFO" : "WARNING", "runtime.detail", {
      runtimeId,
      state: status.state,
      code,
      providerText: status.detail,
    });
  }
  return {
    state: status.state,
    ...(status.url ? { url: status.url } : {}),
    ...(code ? { detail: code } : {}),
    ...(cellId ? { cellId } : {}),
    updatedAt: deps.clock.now(),
  };
}

const cellOf = (deps: ProvisioningDeps, instance: Instance) =>
  deps.cells.find((c) => c.id === instance.runtime.cellId);

async function ensureRuntime(deps: ProvisioningDeps, instance: Instance) {
  const secrets = await deps.instances.getSecrets(instance.runtimeId);
  if (!secrets?.runtimeSecret) throw new Error("instance has no runtime secret");
  const instanceSecret = await decryptText(deps.keyRing, secrets.runtimeSecret, {
    collection: INSTANCE_SECRETS,
    docId: instance.runtimeId,
    field: "runtimeSecret",
  });
  const cell = cellOf(deps, instance) ?? (await deps.chooseCell());
  const status = await deps.runtime.ensure({
    instanceId: instance.runtimeId,
    accountId: instance.accountId,
    ...(cell ? { cell } : {}),
    env: { ...deps.baseEnv, [INSTANCE_ENV.instanceId]: instance.runtimeId },
    instanceSecret,
  });
  await deps.instances.update(instance.accountId, instance.instanceId, {
    runtime: record(deps, instance.runtimeId, status, cell?.id),
  });
  return status;
}

/** Thrown so that the task queue retries: the next attempt resumes waiting on the same rollout. */
export class RolloutPendingError extends Error {
  constructor(runtimeId: string) {
    super(`the runtime of ${runtimeId} is still rolling out; a later attempt waits on it again`);
    this.name = "RolloutPendingError";
  }
}

export async function provisionRuntime(deps: ProvisioningDeps, runtimeId: string) {
  const instance = await deps.instances.getByRuntime(runtimeId);
  // Deleted before the task ran: make sure nothing is left behind.
  if (!instance) return deps.runtime.remove(runtimeId);
  // Each attempt waits a bounded time (well inside the task deadline) and records `starting`.
  const status = await ensureRuntime(deps, instance);
  if (status.rolloutPending) throw new RolloutPendingError(runtimeId);
}

export async function restartRuntime(deps: ProvisioningDeps, runtimeId: string) {
  const instance = await deps.instances.getByRuntime(runtimeId);
  if (!instance) return;
  await deps.runtime.restart(runtimeId, cellOf(deps, instance));
  const status = await deps.runtime.status(runtimeId, cellOf(deps, instance));
  await deps.instances.update(instance.accountId, instance.instanceId, {
    runtime: record(deps, instance.runtimeId, status, instance.runtime.cellId),
  });
}

/** Repairs drift: missing or crashed runtimes are re-created, orphaned runtimes removed. */
export async function reconcile(deps: ProvisioningDeps) {
  const known = new Set<string>();
  const report = { checked: 0, repaired: 0, removed: 0 };
  for await (const instance of deps.instances.listAll()) {
    known.add(instance.runtimeId);
    report.checked++;
    const cell = cellOf(deps, instance);
    const status = await deps.runtime.status(instance.runtimeId, cell);
    if (status.state === "running" || status.state === "starting") {
      if (status.state !== instance.runtime.state || status.url !== instance.runtime.url) {
        await deps.instances.update(instance.accountId, instance.instanceId, {
          runtime: record(deps, instance.runtimeId, status, instance.runtime.cellId),
        });
      }
      continue;
    }
    await deps.instances.update(instance.accountId, instance.instanceId, {
      runtime: record(deps, instance.runtimeId, status, instance.runtime.cellId),
    });
    // A rollout still pending here is recorded as starting; Cloud Run finishes it on its own and
    // the next pass reads the outcome.
    await ensureRuntime(deps, instance);
    report.repaired++;
  }
  // A deletion whose task seems lost is finished here; one in progress owns its runtime (the
  // device must be logged out before the runtime goes).
  const now = deps.clock.now();
  for await (const job of deps.deletions?.list() ?? []) {
    known.add(job.runtimeId);
    if (!isStalled(job, now)) continue;
    await teardownRuntime(deps, job.runtimeId, job.cellId);
    report.removed++;
  }
  const cells = deps.cells.length > 0 ? deps.cells : [undefined];
  for (const cell of cells) {
    for (const runtimeId of await deps.runtime.list(cell)) {
      if (known.has(runtimeId)) continue;
      // Instances are written before their runtime exists, so one created after the scan above
      // shows up here; look it up again rather than tear down a brand-new instance.
      if (await deps.instances.getByRuntime(runtimeId)) continue;
      if (await deps.deletions?.get(runtimeId)) continue;
      await deps.runtime.remove(runtimeId, cell);
      report.removed++;
    }
  }
  return report;
}
