// Accounts of the simulated network: one per phone number, with its chats, contacts and inbox.
import type { MessageEventData } from "@wsapi/contracts/events";
import type { BusinessProfile, PrivacySetting, PrivacyValue } from "@wsapi/contracts/instance-api";

export interface SimChat {
  id: string;
  isGroup: boolean;
  archived: boolean;
  pinned: boolean;
  mutedUntil: number | "always" | undefined;
  read: boolean;
  ephemeral: "off" | "24h" | "7d" | "90d";
  lastActivity: number;
}

export interface InboxEntry {
  id: string;
  chatId: string;
  from: string;
  type: string;
  text?: string;
  mediaId?: string;
  /** A group invite sent in a direct message (WhatsApp sends one when privacy stops an add). */
  invite?: { groupId: string; code: string; expiration: number };
  time: string;
}

export interface SimAccount {
  phone: string;
  jid: string;
  pushName: string;
  status: string;
  pictureId: string | undefined;
  presence: "available" | "unavailable";
  /** When the account last went from available to unavailable. */
  lastSeen: number | undefined;
  devices: Set<string>;
  chats: Map<string, SimChat>;
  contacts: Map<string, { fullName: string; firstName?: string | undefined }>;
  presenceSubscribers: Set<string>;
  inbox: InboxEntry[];
  /** Phones this account blocked: their direct messages are not delivered to it. */
  blocked: Set<string>;
  privacy: Record<PrivacySetting, PrivacyValue>;
  /** Set for business accounts (through the simulator's HTTP API). */
  business: BusinessProfile | undefined;
  /** The last messages of each chat as this account saw them (history sync, on-demand history). */
  history: Map<string, MessageEventData[]>;
}

const INBOX_LIMIT = 200;
const HISTORY_PER_CHAT = 200;

export function newAccount(phone: string, jid: string): SimAccount {
  return {
    phone,
    jid,
    pushName: `User ${phone.slice(-4)}`,
    status: "Hey there! I am using WhatsApp.",
    pictureId: undefined,
    presence: "unavailable",
    lastSeen: undefined,
    devices: new Set(),
    chats: new Map(),
    contacts: new Map(),
    presenceSubscribers: new Set(),
    inbox: [],
    blocked: new Set(),
    privacy: {
      groupadd: "all",
      last: "all",
      status: "contacts",
      profile: "all",
      readreceipts: "all",
      online: "all",
      calladd: "all",
    },
    business: undefined,
    history: new Map(),
  };
}

export function touchChat(account: SimAccount, chatId: string, isGroup: boolean, at: number): SimChat {
  let chat = account.chats.get(chatId);
  if (!chat) {
    chat = {
      id: chatId,
      isGroup,
      archived: false,
      pinned: false,
      mutedUntil: undefined,
      read: true,
      ephemeral: "off",
      lastActivity: at,
    };
    account.chats.set(chatId, chat);
  }
  chat.lastActivity = Math.max(chat.lastActivity, at);
  return chat;
}

/** What a phone without a linked instance has received, for tests to read back. */
export function recordInbox(account: SimAccount, entry: InboxEntry): void {
  account.inbox.push(entry);
  if (account.inbox.length > INBOX_LIMIT) account.inbox.shift();
}

export function recordHistory(account: SimAccount, message: MessageEventData): void {
  let messages = account.history.get(message.chatId);
  if (!messages) {
    messages = [];
    account.history.set(message.chatId, messages);
  }
  messages.push(message);
  if (messages.length > HISTORY_PER_CHAT) messages.shift();
}

/**
 * Whether `viewer` falls inside a privacy audience: "contacts" (and "known") means in the owner's
 * address book; "contact_blacklist" too, as the simulator keeps no exception list.
 */
export function allows(owner: SimAccount, value: PrivacyValue, viewerJid: string): boolean {
  if (value === "all") return true;
  if (value === "contacts" || value === "contact_blacklist" || value === "known")
    return owner.contacts.has(viewerJid);
  return false;
}
