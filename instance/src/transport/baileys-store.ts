// What Baileys v7 no longer keeps for us: chats, contacts and the messages whose media can be
// downloaded. In memory only, bounded; message content is not retained beyond media pointers.
import type { Chat, ChatUpdate, Contact, WAMessage, WAMessageKey } from "@whiskeysockets/baileys";
import type { ChatListItem, ContactInfo } from "@wsapi/contracts/instance-api";
import { identityOf, toNumber } from "./baileys-jid.js";
import { unwrapContent } from "./baileys-mapping.js";

interface StoredChat {
  id: string;
  archived: boolean;
  pinned: boolean;
  muteEndTime: number | undefined;
  name: string | undefined;
  lastActivity: number;
  lastMessage: { key: WAMessageKey; messageTimestamp: number } | undefined;
}

export interface StoreLimits {
  chats?: number;
  contacts?: number;
  mediaMessages?: number;
  messageKeys?: number;
}

/** Where a message sits: enough to ask WhatsApp for older history or to delete it for me. */
export interface KnownMessage {
  chatId: string;
  key: WAMessageKey;
  messageTimestamp: number;
}

function bounded<K, V>(map: Map<K, V>, key: K, value: V, limit: number): void {
  map.delete(key);
  map.set(key, value);
  if (map.size > limit) map.delete(map.keys().next().value as K);
}

export class BaileysStore {
  private readonly chats = new Map<string, StoredChat>();
  private readonly contacts = new Map<string, Partial<Contact>>();
  private readonly media = new Map<string, WAMessage>();
  private readonly messages = new Map<string, KnownMessage>();
  private readonly limits: Required<StoreLimits>;

  constructor(limits: StoreLimits = {}) {
    this.limits = { chats: 5_000, contacts: 10_000, mediaMessages: 1_000, messageKeys: 10_000, ...limits };
  }

  private chat(id: string): StoredChat {
    const existing = this.chats.get(id);
    if (existing) return existing;
    const chat: StoredChat = {
      id,
      archived: false,
      pinned: false,
      muteEndTime: undefined,
      name: undefined,
      lastActivity: 0,
      lastMessage: undefined,
    };
    bounded(this.chats, id, chat, this.limits.chats);
    return chat;
  }

  onMessages(messages: WAMessage[]): void {
    for (const message of messages) {
      const { key } = message;
      if (!key.remoteJid || !key.id || key.remoteJid === "status@broadcast") continue;
      const chatId = key.remoteJid.endsWith("@g.us")
        ? key.remoteJid
        : identityOf(key.remoteJid, key.remoteJidAlt).id;
      const seconds = toNumber(message.messageTimestamp) ?? Math.floor(Date.now() / 1000);
      const chat = this.chat(chatId);
      chat.lastActivity = Math.max(chat.lastActivity, seconds * 1000);
      chat.lastMessage = { key, messageTimestamp: seconds };
      bounded(this.messages, key.id, { chatId, key, messageTimestamp: seconds }, this.limits.messageKeys);
      if (!key.fromMe && message.pushName) {
        const senderJid = key.remoteJid.endsWith("@g.us") ? (key.participantAlt ?? key.participant) : chatId;
        if (senderJid) this.onContacts([{ id: senderJid, notify: message.pushName }]);
      }
      const { content } = unwrapContent(message.message);
      const hasMedia =
        content?.imageMessage ??
        content?.videoMessage ??
        content?.audioMessage ??
        content?.documentMessage ??
        content?.stickerMessage ??
        content?.ptvMessage;
      if (hasMedia) bounded(this.media, key.id, message, this.limits.mediaMessages);
    }
  }

  onChatsUpsert(chats: Chat[]): void {
    this.onChatsUpdate(chats as ChatUpdate[]);
  }

  onChatsUpdate(updates: ChatUpdate[]): void {
    for (const update of updates) {
      if (!update.id) continue;
      const chat = this.chat(update.id.endsWith("@g.us") ? update.id : identityOf(update.id).id);
      if (typeof update.archived === "boolean") chat.archived = update.archived;
      if (update.pinned !== undefined) chat.pinned = Boolean(toNumber(update.pinned));
      if (update.muteEndTime !== undefined) chat.muteEndTime = toNumber(update.muteEndTime) || undefined;
      if (update.name) chat.name = update.name;
      const at = toNumber(update.conversationTimestamp);
      if (at) chat.lastActivity = Math.max(chat.lastActivity, at * 1000);
    }
  }

  onContacts(contacts: Partial<Contact>[]): void {
    for (const contact of contacts) {
      if (!contact.id) continue;
      const id = identityOf(contact.id, contact.phoneNumber, contact.lid).id;
      bounded(this.contacts, id, { ...this.contacts.get(id), ...contact, id }, this.limits.contacts);
    }
  }

  deleteChats(ids: string[]): void {
    for (const id of ids) this.chats.delete(id);
  }

  listChats(): ChatListItem[] {
    return [...this.chats.values()]
      .sort((a, b) => b.lastActivity - a.lastActivity)
      .map((chat) => this.chatItem(chat));
  }

  getChat(chatId: string): ChatListItem | undefined {
    const chat = this.chats.get(chatId);
    return chat ? this.chatItem(chat) : undefined;
  }

  private chatItem(chat: StoredChat): ChatListItem {
    const contact = this.contacts.get(chat.id);
    const muteEnd = chat.muteEndTime;
    // WhatsApp gives the mute's end in seconds (ms in some syncs); -1 mutes for ever (no end).
    const muteEndMs =
      muteEnd !== undefined && muteEnd > 0 ? muteEnd * (muteEnd < 1e12 ? 1000 : 1) : undefined;
    const isMuted = muteEnd !== undefined && (muteEnd < 0 || (muteEndMs ?? 0) > Date.now());
    return {
      id: chat.id,
      ...(contact?.lid ? { lid: contact.lid } : {}),
      isGroup: chat.id.endsWith("@g.us"),
      isArchived: chat.archived,
      isPinned: chat.pinned,
      isMuted,
      ...(isMuted && muteEndMs !== undefined ? { muteEndTime: new Date(muteEndMs).toISOString() } : {}),
      ...(contact?.notify ? { pushName: contact.notify } : {}),
      ...(contact?.verifiedName ? { businessName: contact.verifiedName } : {}),
      ...((contact?.name ?? chat.name) ? { fullName: contact?.name ?? chat.name } : {}),
      ...(chat.lastActivity > 0 ? { lastActivity: new Date(chat.lastActivity).toISOString() } : {}),
    };
  }

  listContacts(): ContactInfo[] {
    return [...this.contacts.values()].map((contact) => this.contactInfo(contact));
  }

  getContact(contactId: string): ContactInfo | undefined {
    const contact = this.contacts.get(identityOf(contactId).id);
    return contact ? this.contactInfo(contact) : undefined;
  }

  private contactInfo(contact: Partial<Contact>): ContactInfo {
    return {
      ...identityOf(contact.id, contact.phoneNumber, contact.lid),
      ...(contact.name ? { fullName: contact.name } : {}),
      ...(contact.notify ? { pushName: contact.notify } : {}),
      ...(contact.verifiedName ? { businessName: contact.verifiedName } : {}),
      inPhoneAddressBook: Boolean(contact.name),
    };
  }

  message(messageId: string): KnownMessage | undefined {
    return this.messages.get(messageId);
  }

  mediaMessage(mediaId: string): WAMessage | undefined {
    return this.media.get(mediaId);
  }

  /** chatModify needs the chat's last message for archive and mark-read. */
  lastMessage(chatId: string): { key: WAMessageKey; messageTimestamp: number } | undefined {
    return this.chats.get(chatId)?.lastMessage;
  }

  clear(): void {
    this.chats.clear();
    this.contacts.clear();
    this.media.clear();
    this.messages.clear();
  }
}
