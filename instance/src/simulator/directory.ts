// Chats, contacts, profiles and presence on the simulated network.

import type { EventDataOf } from "@wsapi/contracts/events";
import type {
  BulkCheckResult,
  ChatListItem,
  ContactInfo,
  UserInfo,
  UserMeInfo,
} from "@wsapi/contracts/instance-api";
import { allows, type SimAccount, type SimChat } from "./accounts.js";
import { phoneOf, userJid } from "./network.js";
import type { SimOpArgs } from "./protocol.js";
import {
  type Actor,
  conversation,
  fanOut,
  identity,
  nowIso,
  SimError,
  type SimWorld,
  sender,
} from "./world.js";

const HOUR = 3_600_000;

function chatItem(world: SimWorld, account: SimAccount, chat: SimChat): ChatListItem {
  const otherPhone = phoneOf(chat.id);
  const other = otherPhone ? world.net.accounts.get(otherPhone) : undefined;
  const muted = chat.mutedUntil === "always" || (chat.mutedUntil ?? 0) > Date.now();
  const fullName = otherPhone ? account.contacts.get(chat.id)?.fullName : world.groups.get(chat.id)?.name;
  return {
    id: chat.id,
    isGroup: chat.isGroup,
    isArchived: chat.archived,
    isPinned: chat.pinned,
    isMuted: muted,
    ...(muted && typeof chat.mutedUntil === "number" ? { muteEndTime: nowIso(chat.mutedUntil) } : {}),
    ...(other ? { pushName: other.pushName } : {}),
    ...(fullName ? { fullName } : {}),
    lastActivity: nowIso(chat.lastActivity),
  };
}

export function listChats(world: SimWorld, actor: Actor): ChatListItem[] {
  const account = world.net.account(actor.phone);
  return [...account.chats.values()]
    .sort((a, b) => b.lastActivity - a.lastActivity)
    .map((chat) => chatItem(world, account, chat));
}

export function getChat(
  world: SimWorld,
  actor: Actor,
  { chatId }: SimOpArgs<"getChat">,
): ChatListItem | undefined {
  const account = world.net.account(actor.phone);
  const chat = account.chats.get(chatId);
  return chat ? chatItem(world, account, chat) : undefined;
}

export function updateChatSetting(
  world: SimWorld,
  actor: Actor,
  { chatId, change }: SimOpArgs<"updateChatSetting">,
) {
  const chat = world.net.account(actor.phone).chats.get(chatId);
  if (!chat) throw new SimError("not_found", "chat not found");
  const emitOwn = (data: Parameters<typeof world.net.emit<"chat_setting">>[2]) =>
    world.net.emit(actor.phone, "chat_setting", data, actor.instanceId);
  switch (change.setting) {
    case "mute": {
      const until = {
        "8h": Date.now() + 8 * HOUR,
        "1w": Date.now() + 168 * HOUR,
        always: "always",
        off: undefined,
      };
      chat.mutedUntil = until[change.duration] as SimChat["mutedUntil"];
      const end = typeof chat.mutedUntil === "number" ? { muteEndTime: nowIso(chat.mutedUntil) } : {};
      return emitOwn({
        id: chatId,
        settingType: "mute",
        mute: { isMuted: change.duration !== "off", ...end },
      });
    }
    case "pin":
      chat.pinned = change.pinned;
      return emitOwn({ id: chatId, settingType: "pin", pin: { isPinned: change.pinned } });
    case "archive":
      chat.archived = change.archived;
      return emitOwn({ id: chatId, settingType: "archive", archive: { isArchived: change.archived } });
    case "read":
      chat.read = change.read;
      return emitOwn({ id: chatId, settingType: "read", read: { isRead: change.read } });
    case "ephemeral": {
      chat.ephemeral = change.expiration;
      // Disappearing messages apply to the whole chat, so every member hears about it.
      const conv = conversation(world, actor.phone, chatId);
      return fanOut(world, conv, actor, "chat_setting", (viewer, viewedChatId) => ({
        id: viewedChatId,
        settingType: "ephemeral",
        ephemeral: { expiration: change.expiration, sender: sender(actor.phone, viewer) },
      }));
    }
  }
}

export function setChatPresence(
  world: SimWorld,
  actor: Actor,
  { chatId, state }: SimOpArgs<"setChatPresence">,
) {
  const conv = conversation(world, actor.phone, chatId);
  fanOut(
    world,
    conv,
    actor,
    "chat_presence",
    (viewer, id) => ({ id, sender: sender(actor.phone, viewer), state }),
    { includeActor: false },
  );
}

export function subscribePresence(world: SimWorld, actor: Actor, { chatId }: SimOpArgs<"subscribePresence">) {
  const phone = phoneOf(chatId);
  const target = phone ? world.net.accounts.get(phone) : undefined;
  if (!target) throw new SimError("not_found", "user is not on WhatsApp");
  target.presenceSubscribers.add(actor.phone);
  // WhatsApp answers a subscription with the current presence, then sends every change.
  world.net.emit(actor.phone, "user_presence", presenceFor(target, userJid(actor.phone)));
}

/** What a subscriber sees: the last-seen time only when the owner's `last` privacy lets them. */
function presenceFor(owner: SimAccount, viewerJid: string): EventDataOf<"user_presence"> {
  const showLastSeen =
    owner.presence === "unavailable" &&
    owner.lastSeen !== undefined &&
    allows(owner, owner.privacy.last, viewerJid);
  return {
    user: identity(owner.phone),
    status: owner.presence,
    ...(showLastSeen ? { lastSeen: nowIso(owner.lastSeen) } : {}),
  };
}

export function setPresence(world: SimWorld, actor: Actor, { presence }: SimOpArgs<"setPresence">) {
  const account = world.net.account(actor.phone);
  if (account.presence === "available" && presence === "unavailable") account.lastSeen = Date.now();
  account.presence = presence;
  for (const subscriber of account.presenceSubscribers) {
    world.net.emit(subscriber, "user_presence", presenceFor(account, userJid(subscriber)));
  }
}

export function listContacts(world: SimWorld, actor: Actor): ContactInfo[] {
  const account = world.net.account(actor.phone);
  const jids = new Set([
    ...account.contacts.keys(),
    ...[...account.chats.keys()].filter((id) => phoneOf(id)),
  ]);
  return [...jids]
    .map((jid) => contactInfo(world, account, jid))
    .filter((c): c is ContactInfo => c !== undefined);
}

export function getContact(world: SimWorld, actor: Actor, { contactId }: SimOpArgs<"getContact">) {
  const account = world.net.account(actor.phone);
  const jid = contactId.replace(/:\d+@/, "@");
  return account.contacts.has(jid) || account.chats.has(jid) ? contactInfo(world, account, jid) : undefined;
}

function contactInfo(world: SimWorld, account: SimAccount, jid: string): ContactInfo | undefined {
  const phone = phoneOf(jid);
  if (!phone) return undefined;
  const saved = account.contacts.get(jid);
  const other = world.net.accounts.get(phone);
  return {
    ...identity(phone),
    ...(saved
      ? { fullName: saved.fullName, ...(saved.firstName ? { firstName: saved.firstName } : {}) }
      : {}),
    ...(other ? { pushName: other.pushName } : {}),
    inPhoneAddressBook: saved !== undefined,
  };
}

export function saveContact(
  world: SimWorld,
  actor: Actor,
  { id, fullName, firstName }: SimOpArgs<"saveContact">,
) {
  const phone = phoneOf(id);
  if (!phone) throw new SimError("rejected", "contacts are saved by phone JID");
  world.net.account(actor.phone).contacts.set(userJid(phone), { fullName, firstName });
  world.net.emit(
    actor.phone,
    "contact",
    { contact: identity(phone), fullName, inPhoneAddressBook: true },
    actor.instanceId,
  );
}

export function myProfile(world: SimWorld, actor: Actor): UserMeInfo {
  const account = world.net.account(actor.phone);
  const device = actor.instanceId ? world.net.deviceOf(actor.instanceId) : undefined;
  return {
    ...identity(actor.phone),
    ...(device ? { deviceId: device.deviceNo } : {}),
    pushName: account.pushName,
    status: account.status,
    ...(account.pictureId ? { pictureId: account.pictureId } : {}),
  };
}

export function updateProfile(world: SimWorld, actor: Actor, update: SimOpArgs<"updateProfile">) {
  const account = world.net.account(actor.phone);
  // Everyone with a chat with this phone sees the change, as their WhatsApp would.
  const watchers = [...world.net.accounts.values()].filter((other) => other.chats.has(account.jid));
  if (update.name !== undefined) {
    account.pushName = update.name;
    for (const w of watchers)
      world.net.emit(w.phone, "chat_push_name", { user: identity(actor.phone), pushName: update.name });
  }
  if (update.status !== undefined) {
    account.status = update.status;
    for (const w of watchers)
      world.net.emit(w.phone, "chat_status", { user: identity(actor.phone), status: update.status });
  }
  if (update.picture !== undefined) {
    const pictureId = world.storePicture(Buffer.from(update.picture, "base64"));
    account.pictureId = pictureId;
    for (const w of watchers) {
      world.net.emit(w.phone, "chat_picture", {
        id: account.jid,
        sender: sender(actor.phone, w.phone),
        pictureId,
      });
    }
  }
}

export function checkUsers(world: SimWorld, { phones }: SimOpArgs<"checkUsers">): BulkCheckResult[] {
  return phones.map((phone) =>
    world.net.accounts.has(phone)
      ? { query: phone, isInWhatsApp: true, jid: userJid(phone) }
      : { query: phone, isInWhatsApp: false },
  );
}

export function userProfile(world: SimWorld, { phone }: SimOpArgs<"userProfile">): UserInfo {
  const account = world.net.accounts.get(phone);
  if (!account) return { ...identity(phone), isInWhatsApp: false };
  return {
    ...identity(phone),
    isInWhatsApp: true,
    status: account.status,
    ...(account.pictureId ? { pictureId: account.pictureId } : {}),
  };
}
