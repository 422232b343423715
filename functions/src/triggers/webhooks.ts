import { withLogContext } from "@wsapi/contracts/log-context";
import { onTaskDispatched } from "firebase-functions/v2/tasks";
import { isEmulated } from "../config.js";
import { placement, taskQueueOptions } from "../deployment.js";
import { accountSecrets, lazy, readConfig } from "./runtime.js";

const loadWorker = lazy(async () => {
  const { buildWebhookWorkerDeps } = await import("../composition/webhooks.js");
  return buildWebhookWorkerDeps(readConfig(accountSecrets));
});

// One task = one attempt; the retry schedule lives in our own tasks (see core/webhooks/worker.ts).
// Cloud Tasks retries below only cover a crash or an outage mid-attempt, so they are generous.
export const deliverwebhook = onTaskDispatched(
  {
    ...placement("deliverwebhook"),
    ...taskQueueOptions("deliverwebhook"),
    // The Functions emulator starts one worker process per concurrent request and never reaps them,
    // so locally deliveries are dispatched a few at a time.
    ...(isEmulated() ? { rateLimits: { maxConcurrentDispatches: 4, maxDispatchesPerSecond: 50 } } : {}),
    secrets: accountSecrets,
    timeoutSeconds: 120,
  },
  async (request) => {
    const { handleDeliveryTask } = await import("../core/webhooks/worker.js");
    // Every line of this attempt names its delivery, instance and account (the task's ids).
    const { accountId, instanceId, deliveryId } = (request.data ?? {}) as Record<string, unknown>;
    const ids = Object.fromEntries(
      Object.entries({ accountId, instanceId, deliveryId }).filter(([, v]) => typeof v === "string"),
    );
    await withLogContext(ids, async () => handleDeliveryTask(request.data, await loadWorker()));
  },
);
