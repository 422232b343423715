import { onTaskDispatched } from "firebase-functions/v2/tasks";
import { accountSecrets, lazy, runtimeConfig } from "./runtime.js";

const loadWorker = lazy(async () => {
  const [{ buildAccountDeps }, { buildWebhookWorkerDeps }] = await Promise.all([
    import("../composition.js"),
    import("../webhookComposition.js"),
  ]);
  const config = await runtimeConfig();
  return buildWebhookWorkerDeps(await buildAccountDeps(config), config);
});

// One task = one attempt; the retry schedule lives in our own tasks (see core/webhooks/worker.ts).
// Cloud Tasks retries below only cover a crash or an outage mid-attempt, so they are generous.
export const deliverwebhook = onTaskDispatched(
  {
    secrets: accountSecrets,
    retryConfig: {
      maxAttempts: 50,
      maxRetrySeconds: 3 * 24 * 3600,
      minBackoffSeconds: 10,
      maxBackoffSeconds: 3600,
    },
    // The Functions emulator starts one worker process per concurrent request and never reaps them,
    // so locally deliveries are dispatched a few at a time.
    rateLimits:
      process.env.FUNCTIONS_EMULATOR === "true"
        ? { maxConcurrentDispatches: 4, maxDispatchesPerSecond: 50 }
        : { maxConcurrentDispatches: 500, maxDispatchesPerSecond: 500 },
    timeoutSeconds: 120,
  },
  async (request) => {
    const { handleDeliveryTask } = await import("../core/webhooks/worker.js");
    await handleDeliveryTask(request.data, await loadWorker());
  },
);
