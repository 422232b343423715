// Our extension: the paced-sending queue (sending/send-queue.ts), read and cancelled.
import type { AppDependencies } from "../app.js";
import type { OperationHandlers } from "../http/operations.js";

export function sendQueueHandlers({ sendQueue }: Pick<AppDependencies, "sendQueue">) {
  return {
    getSendQueue: (c) => c.json(sendQueue.status(c.get("pacing"))),
    cancelSendQueue: (c) => {
      const messageIds = sendQueue.cancelAll();
      return c.json({ cancelled: messageIds.length, messageIds });
    },
  } satisfies Partial<OperationHandlers>;
}
