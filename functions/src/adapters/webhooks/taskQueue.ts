import type { App } from "firebase-admin/app";
import { getFunctions } from "firebase-admin/functions";
import { eventBody } from "../../core/eventLog.js";
import type { DeliveryTasks, WebhookQueue } from "../../core/ports/webhooks.js";
import type { DeliveryTask } from "../../core/webhooks/delivery.js";
import { type EnqueueDeps, enqueueDeliveries } from "../../core/webhooks/enqueue.js";
import { queueName } from "../../deployment.js";

// Delivery attempts as Cloud Tasks on the `deliverwebhook` queue. Task ids derive from the event id
// and the endpoint (see deliveryIdFor/taskIdFor), so Cloud Tasks itself drops a duplicate enqueue.
export function cloudDeliveryTasks(app: App): DeliveryTasks {
  const queue = getFunctions(app).taskQueue<DeliveryTask>(queueName("deliverwebhook"));
  return {
    async enqueue(task, { id, delaySeconds }) {
      try {
        await queue.enqueue(task, { id, scheduleDelaySeconds: delaySeconds });
        return "enqueued";
      } catch (error) {
        if ((error as { code?: string }).code === "functions/task-already-exists") return "duplicate";
        throw error;
      }
    },
  };
}

/** The ingest's port: each (already logged) event becomes one delivery; its body stays in the log. */
export function webhookQueue(deps: EnqueueDeps): WebhookQueue {
  return {
    async enqueue(instance, webhookUrl, events) {
      const outgoing = events.map((event) => ({
        eventId: event.eventId,
        eventType: event.eventType,
        body: eventBody(event),
        logged: true,
      }));
      await enqueueDeliveries(deps, instance, webhookUrl, outgoing);
    },
  };
}
