import {
  DeleteMessageRequest,
  EditMessageRequest,
  MarkAsReadRequest,
  messageId,
  PinMessageRequest,
  SendReactionRequest,
  StarMessageRequest,
} from "@wsapi/contracts/instance-api";
import type { Hono } from "hono";
import type { AppDependencies } from "../app.js";
import { requirePaired } from "../http/errors.js";
import { readJsonBody, readParam } from "../http/validate.js";

export function registerMessageActionRoutes(app: Hono, { transport }: AppDependencies): void {
  const paired = requirePaired(transport);
  const idOf = (param: string | undefined) => readParam(messageId, param, "messageId");

  app.post("/messages/:messageId/reaction", paired, async (c) => {
    const id = idOf(c.req.param("messageId"));
    const body = await readJsonBody(c, SendReactionRequest);
    const ref = { messageId: id, chatId: body.to, ...(body.senderId ? { senderId: body.senderId } : {}) };
    return c.json({ id: await transport.react(ref, body.reaction) }, 200);
  });

  app.post("/messages/:messageId/edit", paired, async (c) => {
    const id = idOf(c.req.param("messageId"));
    const body = await readJsonBody(c, EditMessageRequest);
    return c.json({ id: await transport.edit({ messageId: id, chatId: body.to }, body.text) }, 200);
  });

  app.post("/messages/:messageId/read", paired, async (c) => {
    const id = idOf(c.req.param("messageId"));
    const body = await readJsonBody(c, MarkAsReadRequest);
    await transport.markRead(
      { messageId: id, chatId: body.chatId, senderId: body.senderId },
      body.receiptType,
    );
    return c.body(null, 204);
  });

  app.post("/messages/:messageId/star", paired, async (c) => {
    const id = idOf(c.req.param("messageId"));
    const body = await readJsonBody(c, StarMessageRequest);
    await transport.star({ messageId: id, chatId: body.chatId, senderId: body.senderId }, body.starred);
    return c.body(null, 204);
  });

  app.post("/messages/:messageId/pin", paired, async (c) => {
    const id = idOf(c.req.param("messageId"));
    const body = await readJsonBody(c, PinMessageRequest);
    const ref = { messageId: id, chatId: body.chatId, senderId: body.senderId };
    await transport.pin(ref, body.pinned, body.pinExpiration);
    return c.body(null, 204);
  });

  app.post("/messages/:messageId/delete", paired, async (c) => {
    const id = idOf(c.req.param("messageId"));
    const body = await readJsonBody(c, DeleteMessageRequest);
    await transport.deleteForEveryone({ messageId: id, chatId: body.chatId, senderId: body.senderId });
    return c.body(null, 204);
  });
}
