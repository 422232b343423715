// Chat history on the simulated network: what each account's chats hold (sent to a newly paired
// device as its history sync, network.ts), published on request as `message_history_sync` events,
// and what "delete for me", "clear chat" and "delete chat" remove.
import type { SimOpArgs } from "./protocol.js";
import { type Actor, nowIso, SimError, type SimWorld, sender } from "./world.js";

export function requestChatMessages(
  world: SimWorld,
  actor: Actor,
  { chatId, before, count }: SimOpArgs<"requestChatMessages">,
): void {
  const messages = world.net.account(actor.phone).history.get(chatId) ?? [];
  const index = messages.findIndex((message) => message.id === before.messageId);
  if (index < 0) throw new SimError("not_found", "message not found in this chat");
  world.net.emitToInstance(actor.instanceId ?? "", "message_history_sync", {
    chatId,
    messages: messages.slice(Math.max(0, index - count), index),
  });
}

export function deleteForMe(world: SimWorld, actor: Actor, { ref }: SimOpArgs<"deleteForMe">): void {
  const message = world.message(ref.messageId);
  const account = world.net.account(actor.phone);
  const messages = account.history.get(ref.chatId);
  const index = messages?.findIndex((entry) => entry.id === message.id) ?? -1;
  if (!messages || index < 0) throw new SimError("not_found", "message not found in this chat");
  messages.splice(index, 1);
  // The account's other devices remove it too; nobody else notices.
  world.net.emit(
    actor.phone,
    "message_delete",
    {
      id: message.id,
      sender: sender(message.from, actor.phone),
      chatId: ref.chatId,
      time: nowIso(),
      isDeletedForMe: true,
    },
    actor.instanceId,
  );
}

function ownChat(world: SimWorld, actor: Actor, chatId: string) {
  const account = world.net.account(actor.phone);
  if (!account.chats.has(chatId)) throw new SimError("not_found", "chat not found");
  return account;
}

export function clearChat(world: SimWorld, actor: Actor, { chatId }: SimOpArgs<"clearChat">): void {
  ownChat(world, actor, chatId).history.delete(chatId);
}

export function deleteChat(world: SimWorld, actor: Actor, { chatId }: SimOpArgs<"deleteChat">): void {
  const account = ownChat(world, actor, chatId);
  account.history.delete(chatId);
  account.chats.delete(chatId);
}
