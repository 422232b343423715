import type { Logger } from "../logs.js";
import type { DeliveryRef, DeliveryState } from "./delivery.js";

// Named log events of webhook delivery: ids, states and numbers only, never payloads or secrets.
export function webhookLogEvents(logger: Logger) {
  return {
    deliveryAttempted: (
      ref: DeliveryRef,
      attempt: { attemptNumber: number; statusCode: number | null; durationMs: number; error: string | null },
      state: DeliveryState,
    ) =>
      logger.event(state === "exhausted" ? "WARNING" : "INFO", "webhook.attempted", {
        ...ref,
        attemptNumber: attempt.attemptNumber,
        statusCode: attempt.statusCode,
        durationMs: attempt.durationMs,
        error: attempt.error,
        state,
      }),
    deliverySkipped: (ref: DeliveryRef, why: string) =>
      logger.event("INFO", "webhook.skipped", { ...ref, why }),
    deliveriesDropped: (accountId: string, instanceId: string, count: number, why: string) =>
      logger.event("WARNING", "webhook.dropped", { accountId, instanceId, count, why }),
    endpointDisabled: (accountId: string, instanceId: string, endpointId: string) =>
      logger.event("WARNING", "webhook.endpointDisabled", { accountId, instanceId, endpointId }),
    taskRejected: (why: string) => logger.event("ERROR", "webhook.taskRejected", { why }),
    taskEarly: (ref: DeliveryRef, earlyMs: number) =>
      logger.event("DEBUG", "webhook.taskEarly", { ...ref, earlyMs }),
  };
}

export type WebhookLogEvents = ReturnType<typeof webhookLogEvents>;
