import { chatJid } from "@wsapi/contracts/instance-api";
import type { Context } from "hono";
import type { AppDependencies } from "../app.js";
import type { OperationHandlers } from "../http/operations.js";
import { ProblemError } from "../http/problem.js";
import { readParam } from "../http/validate.js";
import type { ChatSettingChange } from "../transport/port.js";

const chatOf = (c: Context) => readParam(chatJid, c.req.param("chatId"), "chatId");

export function chatHandlers({ transport }: AppDependencies) {
  const setting = async (c: Context, change: ChatSettingChange) => {
    await transport.updateChatSetting(chatOf(c), change);
    return c.body(null, 204);
  };
  return {
    listChats: async (c) => c.json(await transport.listChats()),

    getChatInfo: async (c) => {
      const chat = await transport.getChat(chatOf(c));
      if (!chat) throw new ProblemError("NOT_FOUND", "chat not found");
      return c.json(chat);
    },

    setChatPresence: async (c, { state }) => {
      await transport.setChatPresence(chatOf(c), state);
      return c.body(null, 204);
    },

    subscribeChatPresence: async (c) => {
      await transport.subscribePresence(chatOf(c));
      return c.body(null, 204);
    },

    deleteChat: async (c) => {
      await transport.deleteChat(chatOf(c));
      return c.body(null, 204);
    },

    clearChat: async (c) => {
      await transport.clearChat(chatOf(c));
      return c.body(null, 204);
    },

    getChatPicture: async (c) => c.json(await transport.chatPicture(chatOf(c))),

    getChatBusinessProfile: async (c) => {
      const profile = await transport.businessProfile(chatOf(c));
      if (!profile) throw new ProblemError("NOT_FOUND", "this chat is not a business account");
      return c.json(profile);
    },

    requestChatMessages: async (c, { lastMessageId, lastMessageSenderId, count }) => {
      const chatId = chatOf(c);
      const senderId = lastMessageSenderId.includes("@")
        ? lastMessageSenderId
        : `${lastMessageSenderId.replace(/^\+/, "")}@s.whatsapp.net`;
      await transport.requestChatMessages(chatId, { messageId: lastMessageId, chatId, senderId }, count);
      return c.json({ status: "ok" }, 202);
    },

    muteChat: (c, { duration }) => setting(c, { setting: "mute", duration }),
    pinChat: (c, { pinned }) => setting(c, { setting: "pin", pinned }),
    archiveChat: (c, { archived }) => setting(c, { setting: "archive", archived }),
    markChatAsRead: (c, { read }) => setting(c, { setting: "read", read }),
    setChatEphemeral: (c, { expiration }) => setting(c, { setting: "ephemeral", expiration }),
  } satisfies Partial<OperationHandlers>;
}
