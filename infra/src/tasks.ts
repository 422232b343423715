import * as gcp from "@pulumi/gcp";
import type { InfraConfig } from "./config.ts";
import { memberOf, type ServiceAccounts } from "./iam.ts";

/**
 * The delivery schedule (5 s … 24 h) is data in the functions: each attempt is its own task with a
 * scheduleTime. Queue retries only cover a crashed or timed-out handler, so they stay short.
 */
export const WEBHOOK_QUEUE_RETRY = {
  maxAttempts: 5,
  minBackoff: "10s",
  maxBackoff: "300s",
  maxDoublings: 4,
  maxRetryDuration: "3600s",
} as const;

/** Bounds the load deliverWebhook puts on itself and on customer endpoints. */
export const WEBHOOK_QUEUE_RATE = {
  maxDispatchesPerSecond: 100,
  maxConcurrentDispatches: 200,
} as const;

export function buildTaskQueues(config: InfraConfig, accounts: ServiceAccounts) {
  const webhookQueue = new gcp.cloudtasks.Queue("webhook-deliveries", {
    project: config.project,
    location: config.region,
    name: config.webhookQueueName,
    rateLimits: { ...WEBHOOK_QUEUE_RATE },
    retryConfig: { ...WEBHOOK_QUEUE_RETRY },
    // Task logs carry the task name and status, never the (encrypted) body.
    stackdriverLoggingConfig: { samplingRatio: 1 },
  });
  // events enqueues first attempts and deliverWebhook enqueues retries: both run as the functions account.
  const enqueuer = new gcp.cloudtasks.QueueIamMember("webhook-queue-enqueuer", {
    project: config.project,
    location: config.region,
    name: webhookQueue.name,
    role: "roles/cloudtasks.enqueuer",
    member: memberOf(accounts.functions),
  });
  return { webhookQueue, enqueuer };
}
