import {
  ArchiveChatRequest,
  ChatMarkAsReadRequest,
  chatJid,
  MuteChatRequest,
  PinChatRequest,
  SetChatEphemeralRequest,
  SetChatPresenceRequest,
} from "@wsapi/contracts/instance-api";
import type { Hono } from "hono";
import type { z } from "zod";
import type { AppDependencies } from "../app.js";
import { requirePaired } from "../http/errors.js";
import { ProblemError } from "../http/problem.js";
import { readJsonBody, readParam } from "../http/validate.js";
import type { ChatSettingChange } from "../transport/port.js";

export function registerChatRoutes(app: Hono, { transport }: AppDependencies): void {
  app.use("/chats", requirePaired(transport));
  app.use("/chats/*", requirePaired(transport));
  const chatOf = (param: string | undefined) => readParam(chatJid, param, "chatId");

  app.get("/chats", async (c) => c.json(await transport.listChats()));

  app.get("/chats/:chatId", async (c) => {
    const chat = await transport.getChat(chatOf(c.req.param("chatId")));
    if (!chat) throw new ProblemError("not-found", "chat not found");
    return c.json(chat);
  });

  app.put("/chats/:chatId/presence", async (c) => {
    const chatId = chatOf(c.req.param("chatId"));
    const { state } = await readJsonBody(c, SetChatPresenceRequest);
    await transport.setChatPresence(chatId, state);
    return c.body(null, 204);
  });

  app.put("/chats/:chatId/presence/subscribe", async (c) => {
    await transport.subscribePresence(chatOf(c.req.param("chatId")));
    return c.body(null, 204);
  });

  const setting = <S extends z.ZodType>(
    path: string,
    schema: S,
    toChange: (body: z.output<S>) => ChatSettingChange,
  ) =>
    app.put(`/chats/:chatId/${path}`, async (c) => {
      const chatId = chatOf(c.req.param("chatId"));
      await transport.updateChatSetting(chatId, toChange(await readJsonBody(c, schema)));
      return c.body(null, 204);
    });
  setting("mute", MuteChatRequest, (body) => ({ setting: "mute", duration: body.duration }));
  setting("pin", PinChatRequest, (body) => ({ setting: "pin", pinned: body.pinned }));
  setting("archive", ArchiveChatRequest, (body) => ({ setting: "archive", archived: body.archived }));
  setting("read", ChatMarkAsReadRequest, (body) => ({ setting: "read", read: body.read }));
  setting("ephemeral", SetChatEphemeralRequest, (body) => ({
    setting: "ephemeral",
    expiration: body.expiration,
  }));
}
