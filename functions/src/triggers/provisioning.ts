import { onSchedule } from "firebase-functions/v2/scheduler";
import { onTaskDispatched } from "firebase-functions/v2/tasks";
import { z } from "zod";
import type { ProvisioningDeps } from "../core/provisioning.js";
import { placement, taskQueueOptions } from "../deployment.js";
import { gatewaySecrets, lazy, readConfig } from "./runtime.js";

const loadProvisioning = lazy(async () => {
  const { buildProvisioningDeps } = await import("../composition/provisioning.js");
  return buildProvisioningDeps(readConfig(gatewaySecrets));
});

const provisionTask = z.object({
  action: z.enum(["provision", "teardown", "restart", "reconcile"]),
  runtimeId: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,64}$/)
    .optional(),
  cellId: z.string().optional(),
});

export async function handleProvisionTask(data: unknown, deps: ProvisioningDeps) {
  const task = provisionTask.parse(data);
  const { provisionRuntime, reconcile, restartRuntime, teardownRuntime } = await import(
    "../core/provisioning.js"
  );
  // The local stack has no Cloud Scheduler, so it asks for reconciliation through this queue.
  if (task.action === "reconcile") return void (await reconcile(deps));
  if (!task.runtimeId) throw new Error(`${task.action} needs a runtimeId`);
  if (task.action === "provision") return provisionRuntime(deps, task.runtimeId);
  if (task.action === "restart") return restartRuntime(deps, task.runtimeId);
  // Teardown is the resumable deletion job (core/instanceDeletion.ts); a throw makes Cloud Tasks retry it.
  return teardownRuntime(deps, task.runtimeId, task.cellId);
}

// Runtime creation can take a minute on Cloud Run; the task retries until it sticks.
export const provisioninstance = onTaskDispatched(
  {
    ...placement("provisioninstance"),
    ...taskQueueOptions("provisioninstance"),
    secrets: gatewaySecrets,
    timeoutSeconds: 540,
  },
  async (request) => handleProvisionTask(request.data, await loadProvisioning()),
);

export const reconcileinstances = onSchedule(
  { ...placement("reconcileinstances"), schedule: "every 5 minutes", secrets: gatewaySecrets },
  async () => {
    const { reconcile } = await import("../core/provisioning.js");
    await reconcile(await loadProvisioning());
  },
);
