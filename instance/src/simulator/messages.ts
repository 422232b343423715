// Messages on the simulated network: sends, reactions, edits, receipts, stars, pins, deletes,
// media downloads and calls. Each produces the events WhatsApp (through Baileys) would.
import type { MessageEventData } from "@wsapi/contracts/events";
import { userJid } from "./network.js";
import { isBlockedBy } from "./privacy.js";
import type { SimOpArgs, WireMessage } from "./protocol.js";
import {
  type Actor,
  type Conversation,
  chatIdFor,
  conversation,
  fanOut,
  identity,
  newMessageId,
  nowIso,
  requirePhone,
  SimError,
  type SimWorld,
  sender,
} from "./world.js";

type MessageContent = Pick<
  MessageEventData,
  "type" | "text" | "media" | "contact" | "extendedText" | "viewOnce"
>;
type MessageBase = Omit<MessageEventData, "id" | "time" | "chatId" | "sender" | "type">;

export function sendMessage(world: SimWorld, actor: Actor, args: SimOpArgs<"send">): string {
  const conv = directConversation(world, actor, args.to);
  if (conv.group?.announce && !conv.group.participants.get(actor.phone)?.admin) {
    throw new SimError("forbidden", "only admins can send messages to this group");
  }
  // A message id this sender already used is the same message sent again (WhatsApp drops it too).
  const known = args.options.messageId ? world.messages.get(args.options.messageId) : undefined;
  if (known && known.from === actor.phone) return known.id;
  const id = args.options.messageId ?? newMessageId();
  const at = Date.now();
  world.rememberMessage({ id, from: actor.phone, chatId: conv.addressedAs, isGroup: conv.isGroup, at });
  const content = contentOf(world, args.message, conv.members);
  const { options } = args;
  const replySender = options.replyToSenderId ? requirePhone(options.replyToSenderId) : undefined;
  const extras = (viewer: string): MessageBase => ({
    ...(options.isForwarded ? { isForwarded: true } : {}),
    ...(options.mentions ? { mentions: options.mentions } : {}),
    ...(options.ephemeralExpiration ? { ephemeralExpiration: options.ephemeralExpiration } : {}),
    ...(options.replyTo
      ? { replyTo: { id: options.replyTo, ...(replySender ? { sender: sender(replySender, viewer) } : {}) } }
      : {}),
  });
  if (content) {
    fanOut(world, conv, actor, "message", (viewer, chatId) => ({
      ...base(id, at, chatId, actor.phone, viewer, conv),
      ...extras(viewer),
      ...content,
    }));
  }
  // Numbers not on WhatsApp get nothing, as on WhatsApp.
  for (const phone of conv.members.filter((member) => world.net.accounts.has(member))) {
    const chat = world.net.touchChat(phone, chatIdFor(conv, phone, actor.phone), conv.isGroup, at);
    if (phone === actor.phone) continue;
    chat.read = false;
    world.net.recordInbox(phone, {
      id,
      chatId: chatIdFor(conv, phone, actor.phone),
      from: userJid(actor.phone),
      type: args.message.kind,
      ...(content?.text !== undefined ? { text: content.text } : {}),
      ...(content?.media?.id ? { mediaId: content.media.id } : {}),
      time: nowIso(at),
    });
    // The recipient's device acknowledges after the server has answered the sender (its ack), as
    // on WhatsApp: the receipt goes out after this send's response.
    if (world.net.hasOnlineDevice(phone)) {
      setImmediate(() =>
        world.net.emit(actor.phone, "message_read", {
          chatId: conv.isGroup ? conv.addressedAs : userJid(phone),
          sender: sender(phone, actor.phone),
          messageSender: sender(actor.phone, actor.phone),
          isGroup: conv.isGroup,
          messageIds: [id],
          time: nowIso(),
          receiptType: "delivered",
        }),
      );
    }
  }
  return id;
}

/**
 * The conversation a message goes to. A direct message to someone who blocked the sender reaches
 * only the sender's own devices (one tick, as on WhatsApp); to someone the sender blocked, it is refused.
 */
function directConversation(world: SimWorld, actor: Actor, to: string): Conversation {
  const conv = conversation(world, actor.phone, to);
  if (conv.isGroup) return conv;
  const other = conv.members.find((member) => member !== actor.phone);
  if (other && isBlockedBy(world, actor.phone, other))
    throw new SimError("rejected", "unblock this contact to send a message");
  if (other && isBlockedBy(world, other, actor.phone)) return { ...conv, members: [actor.phone] };
  return conv;
}

function base(id: string, at: number, chatId: string, from: string, viewer: string, conv: Conversation) {
  return {
    id,
    time: nowIso(at),
    chatId,
    sender: sender(from, viewer),
    isGroup: conv.isGroup,
    isStatus: false,
  };
}

/** WSAPI's message event has no location type; like the Baileys mapping, locations produce no event. */
function contentOf(world: SimWorld, message: WireMessage, members: string[]): MessageContent | undefined {
  switch (message.kind) {
    case "text":
      return { type: "text", text: message.text };
    case "link": {
      const text = message.text.includes(message.url) ? message.text : `${message.text} ${message.url}`;
      const extendedText = {
        matchedText: message.url,
        ...(message.title ? { title: message.title } : {}),
        ...(message.description ? { description: message.description } : {}),
      };
      return { type: "text", text, extendedText };
    }
    case "contact":
      return { type: "contact", contact: message.vcard };
    case "location":
      return undefined;
    case "media": {
      const bytes = Buffer.from(message.data, "base64");
      const mediaId = world.storeMedia(bytes, message.mimeType, message.filename, members);
      const media = {
        mediaType: message.mediaType,
        mimeType: message.mimeType,
        id: mediaId,
        fileLength: bytes.length,
        ...(message.caption ? { caption: message.caption } : {}),
        ...(message.filename ? { filename: message.filename } : {}),
      };
      return { type: "media", media, ...(message.viewOnce ? { viewOnce: true } : {}) };
    }
  }
}

/** A new message the actor posts in `chatId` about an earlier one (reaction, edit, pin): its id. */
function postAbout(
  world: SimWorld,
  actor: Actor,
  chatId: string,
  fields: Omit<MessageEventData, "id" | "time" | "chatId" | "sender" | "isGroup" | "isStatus">,
): string {
  const conv = conversation(world, actor.phone, chatId);
  const id = newMessageId();
  const at = Date.now();
  fanOut(world, conv, actor, "message", (viewer, viewedChatId) => ({
    ...base(id, at, viewedChatId, actor.phone, viewer, conv),
    ...fields,
  }));
  return id;
}

export function react(world: SimWorld, actor: Actor, { ref, emoji }: SimOpArgs<"react">): string {
  world.message(ref.messageId);
  return postAbout(world, actor, ref.chatId, {
    type: "reaction",
    reaction: { messageId: ref.messageId, emoji },
  });
}

export function edit(world: SimWorld, actor: Actor, { ref, text }: SimOpArgs<"edit">): string {
  const original = world.message(ref.messageId);
  if (original.from !== actor.phone) throw new SimError("rejected", "only your own messages can be edited");
  return postAbout(world, actor, ref.chatId, {
    type: "text",
    text,
    isEdit: true,
    edit: { originalMessageId: original.id, originalMessageTime: nowIso(original.at) },
  });
}

export function markRead(world: SimWorld, actor: Actor, { ref, receiptType }: SimOpArgs<"markRead">): void {
  const message = world.message(ref.messageId);
  const conv = conversation(world, actor.phone, ref.chatId);
  const chat = world.net.account(actor.phone).chats.get(conv.addressedAs);
  if (chat) chat.read = true;
  if (message.from === actor.phone) return;
  // Read receipts off (on either side) means no read or played receipts in direct chats.
  const receiptsOff = [actor.phone, message.from].some(
    (phone) => world.net.accounts.get(phone)?.privacy.readreceipts === "none",
  );
  if (!conv.isGroup && receiptsOff && (receiptType === "read" || receiptType === "played")) return;
  world.net.emit(message.from, "message_read", {
    chatId: conv.isGroup ? conv.addressedAs : userJid(actor.phone),
    sender: sender(actor.phone, message.from),
    messageSender: sender(message.from, message.from),
    isGroup: conv.isGroup,
    messageIds: [message.id],
    time: nowIso(),
    receiptType,
  });
}

export function star(world: SimWorld, actor: Actor, { ref, starred }: SimOpArgs<"star">): void {
  const message = world.message(ref.messageId);
  world.net.emit(
    actor.phone,
    "message_star",
    {
      id: message.id,
      chatId: ref.chatId,
      sender: sender(message.from, actor.phone),
      time: nowIso(),
      isStarred: starred,
    },
    actor.instanceId,
  );
}

export function pin(world: SimWorld, actor: Actor, { ref, pinned, expiration }: SimOpArgs<"pin">): void {
  world.message(ref.messageId);
  postAbout(world, actor, ref.chatId, {
    type: "pinInChat",
    pin: { pinned, messageId: ref.messageId, ...(expiration ? { expiration } : {}) },
  });
}

export function deleteForEveryone(
  world: SimWorld,
  actor: Actor,
  { ref }: SimOpArgs<"deleteForEveryone">,
): void {
  const message = world.message(ref.messageId);
  const conv = conversation(world, actor.phone, ref.chatId);
  const isAdmin = conv.group?.participants.get(actor.phone)?.admin === true;
  if (message.from !== actor.phone && !isAdmin) {
    throw new SimError("rejected", "only your own messages can be deleted for everyone");
  }
  fanOut(world, conv, actor, "message_delete", (viewer, chatId) => ({
    id: message.id,
    sender: sender(message.from, viewer),
    chatId,
    time: nowIso(),
    isDeletedForAll: true,
  }));
}

export function downloadMedia(world: SimWorld, actor: Actor, { mediaId }: SimOpArgs<"downloadMedia">) {
  const media = world.mediaFor(actor.phone, mediaId);
  if (!media) return undefined;
  return { data: media.bytes.toString("base64"), mimeType: media.mimeType, filename: media.filename };
}

export function startCall(world: SimWorld, from: string, to: string, isVideo: boolean): string {
  const id = newMessageId();
  world.calls.set(id, { id, from, to, isVideo, state: "offer" });
  world.net.emit(to, "call_offer", {
    id,
    caller: identity(from),
    chatId: userJid(from),
    isGroup: false,
    time: nowIso(),
    isVideo,
  });
  return id;
}

/** The callee answers on another of its devices (its phone): every device of both hears of it. */
export function acceptCall(world: SimWorld, phone: string, callId: string): void {
  const call = world.calls.get(callId);
  if (!call || call.to !== phone) throw new SimError("not_found", "call not found");
  if (call.state !== "offer") throw new SimError("rejected", "call is no longer ringing");
  call.state = "accepted";
  const data = { id: call.id, caller: identity(call.from), time: nowIso() };
  world.net.emit(phone, "call_accept", data);
  world.net.emit(call.from, "call_accept", data);
}

export function rejectCall(
  world: SimWorld,
  actor: Actor,
  { callId, callerId }: SimOpArgs<"rejectCall">,
): void {
  const call = world.calls.get(callId);
  if (!call || call.to !== actor.phone || userJid(call.from) !== callerId.replace(/:\d+@/, "@")) {
    throw new SimError("not_found", "call not found");
  }
  if (call.state !== "offer") throw new SimError("rejected", "call is no longer ringing");
  call.state = "rejected";
  const data = { id: call.id, caller: identity(call.from), time: nowIso(), reason: "rejected" as const };
  world.net.emit(actor.phone, "call_terminate", data);
  world.net.emit(call.from, "call_terminate", data);
}
