// Accounts of the simulated network: one per phone number, with its chats, contacts and inbox.

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
  time: string;
}

export interface SimAccount {
  phone: string;
  jid: string;
  pushName: string;
  status: string;
  pictureId: string | undefined;
  presence: "available" | "unavailable";
  devices: Set<string>;
  chats: Map<string, SimChat>;
  contacts: Map<string, { fullName: string; firstName?: string | undefined }>;
  presenceSubscribers: Set<string>;
  inbox: InboxEntry[];
}

const INBOX_LIMIT = 200;

export function newAccount(phone: string, jid: string): SimAccount {
  return {
    phone,
    jid,
    pushName: `User ${phone.slice(-4)}`,
    status: "Hey there! I am using WhatsApp.",
    pictureId: undefined,
    presence: "unavailable",
    devices: new Set(),
    chats: new Map(),
    contacts: new Map(),
    presenceSubscribers: new Set(),
    inbox: [],
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
