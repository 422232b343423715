import { messageId } from "@wsapi/contracts/instance-api";
import type { Context } from "hono";
import type { AppDependencies } from "../app.js";
import type { OperationHandlers } from "../http/operations.js";
import { readParam } from "../http/validate.js";

const idOf = (c: Context) => readParam(messageId, c.req.param("messageId"), "messageId");

export function messageActionHandlers({ transport }: AppDependencies) {
  return {
    sendReaction: async (c, body) => {
      const ref = {
        messageId: idOf(c),
        chatId: body.to,
        ...(body.senderId ? { senderId: body.senderId } : {}),
      };
      return c.json({ id: await transport.react(ref, body.reaction) }, 200);
    },

    editMessage: async (c, body) =>
      c.json({ id: await transport.edit({ messageId: idOf(c), chatId: body.to }, body.text) }, 200),

    markAsRead: async (c, body) => {
      await transport.markRead(
        { messageId: idOf(c), chatId: body.chatId, senderId: body.senderId },
        body.receiptType,
      );
      return c.body(null, 204);
    },

    starMessage: async (c, body) => {
      await transport.star(
        { messageId: idOf(c), chatId: body.chatId, senderId: body.senderId },
        body.starred,
      );
      return c.body(null, 204);
    },

    pinMessage: async (c, body) => {
      const ref = { messageId: idOf(c), chatId: body.chatId, senderId: body.senderId };
      await transport.pin(ref, body.pinned, body.pinExpiration);
      return c.body(null, 204);
    },

    deleteMessage: async (c, body) => {
      await transport.deleteForEveryone({ messageId: idOf(c), chatId: body.chatId, senderId: body.senderId });
      return c.body(null, 204);
    },

    deleteMessageForMe: async (c, { chatId, senderId, isFromMe, timestamp }) => {
      await transport.deleteForMe(
        { messageId: idOf(c), chatId, ...(senderId ? { senderId } : {}) },
        { ...(isFromMe !== undefined ? { isFromMe } : {}), ...(timestamp ? { timestamp } : {}) },
      );
      return c.body(null, 204);
    },
  } satisfies Partial<OperationHandlers>;
}
