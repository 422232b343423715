// Baileys events other than new messages → WSAPI events: receipts, stars, presence, groups,
// calls, contacts, chat settings and the connection lifecycle. Pure, like baileys-mapping.ts.
import type {
  ChatUpdate,
  ConnectionState,
  Contact,
  GroupMetadata,
  GroupParticipant,
  MessageUserReceiptUpdate,
  PresenceData,
  WACallEvent,
  WAMessageUpdate,
} from "@whiskeysockets/baileys";
import type { EventDataOf, WhatsAppEvent } from "@wsapi/contracts/events";
import { identityOf, isoFromSeconds, type Me, meAsSender, senderOf, toNumber } from "./baileys-jid.js";

interface Ctx {
  me: Me;
  now: Date;
}

// proto.WebMessageInfo.Status: 3 DELIVERY_ACK, 4 READ, 5 PLAYED.
const STATUS_RECEIPTS: Record<number, "delivered" | "read" | "played"> = {
  3: "delivered",
  4: "read",
  5: "played",
};

// proto.WebMessageInfo.Status 2: WhatsApp's server has our message.
const SERVER_ACK = 2;

/** messages.update: the ids of our own messages WhatsApp's server acknowledged (for their timelines). */
export function serverAckedIds(updates: WAMessageUpdate[]): string[] {
  return updates.flatMap(({ key, update }) =>
    key.fromMe && key.id && toNumber(update.status) === SERVER_ACK ? [key.id] : [],
  );
}

/** messages.update: 1:1 receipts arrive as status changes; stars as `starred`. */
export function mapMessageUpdates(updates: WAMessageUpdate[], ctx: Ctx): WhatsAppEvent[] {
  const events: WhatsAppEvent[] = [];
  for (const { key, update } of updates) {
    if (!key.remoteJid || !key.id) continue;
    const isGroup = key.remoteJid.endsWith("@g.us");
    const chatId = isGroup ? key.remoteJid : identityOf(key.remoteJid, key.remoteJidAlt).id;
    const author = key.fromMe
      ? meAsSender(ctx.me)
      : senderOf(
          ctx.me,
          isGroup ? key.participant : key.remoteJid,
          isGroup ? key.participantAlt : key.remoteJidAlt,
        );
    if (typeof update.starred === "boolean") {
      const data = {
        id: key.id,
        chatId,
        sender: author,
        time: ctx.now.toISOString(),
        isStarred: update.starred,
      };
      events.push({ eventType: "message_star", eventData: data });
    }
    const receipt = STATUS_RECEIPTS[toNumber(update.status) ?? -1];
    if (!receipt || isGroup) continue;
    // On a status update Baileys puts the receipt's own time in messageTimestamp.
    const time = isoFromSeconds(update.messageTimestamp, ctx.now);
    if (key.fromMe) {
      const reader = senderOf(ctx.me, key.remoteJid, key.remoteJidAlt);
      const data = {
        chatId,
        sender: reader,
        messageSender: author,
        isGroup,
        messageIds: [key.id],
        time,
        receiptType: receipt,
      };
      events.push({ eventType: "message_read", eventData: data });
    } else if (receipt === "read") {
      // Another of our devices read their message.
      const data = {
        chatId,
        sender: meAsSender(ctx.me),
        messageSender: author,
        isGroup,
        messageIds: [key.id],
        time,
      };
      events.push({ eventType: "message_read", eventData: { ...data, receiptType: "readSelf" } });
    }
  }
  return events;
}

/** message-receipt.update: per-participant receipts in groups. */
export function mapReceiptUpdates(updates: MessageUserReceiptUpdate[], ctx: Ctx): WhatsAppEvent[] {
  return updates.flatMap(({ key, receipt }): WhatsAppEvent[] => {
    if (!key.remoteJid || !key.id || !receipt.userJid) return [];
    const played = toNumber(receipt.playedTimestamp);
    const read = toNumber(receipt.readTimestamp);
    const receiptType = played ? "played" : read ? "read" : "delivered";
    const at = played ?? read ?? toNumber(receipt.receiptTimestamp);
    const eventData: EventDataOf<"message_read"> = {
      chatId: key.remoteJid,
      sender: senderOf(ctx.me, receipt.userJid),
      messageSender: key.fromMe ? meAsSender(ctx.me) : senderOf(ctx.me, key.participant, key.participantAlt),
      isGroup: key.remoteJid.endsWith("@g.us"),
      messageIds: [key.id],
      time: isoFromSeconds(at, ctx.now),
      receiptType,
    };
    return [{ eventType: "message_read", eventData }];
  });
}

const CHAT_STATES = { composing: "typing", recording: "recording", paused: "paused" } as const;

export function mapPresenceUpdate(
  update: { id: string; presences: Record<string, PresenceData> },
  ctx: Ctx,
): WhatsAppEvent[] {
  return Object.entries(update.presences).map(([participant, presence]): WhatsAppEvent => {
    const chatId = update.id.endsWith("@g.us") ? update.id : identityOf(update.id).id;
    const state = presence.lastKnownPresence;
    if (state === "available" || state === "unavailable") {
      const lastSeen = presence.lastSeen ? { lastSeen: isoFromSeconds(presence.lastSeen, ctx.now) } : {};
      return {
        eventType: "user_presence",
        eventData: { user: identityOf(participant), status: state, ...lastSeen },
      };
    }
    return {
      eventType: "chat_presence",
      eventData: { id: chatId, sender: senderOf(ctx.me, participant), state: CHAT_STATES[state] },
    };
  });
}

/** groups.update: one `group` event carrying every field that changed. */
export function mapGroupsUpdate(updates: Partial<GroupMetadata>[], ctx: Ctx): WhatsAppEvent[] {
  return updates.flatMap((group): WhatsAppEvent[] => {
    if (!group.id) return [];
    const changes: Omit<EventDataOf<"group">, "id"> = {
      ...(group.subject !== undefined ? { name: { name: group.subject } } : {}),
      ...(group.desc !== undefined ? { description: { topic: group.desc ?? "" } } : {}),
      ...(group.announce !== undefined ? { announce: { isAnnounce: group.announce } } : {}),
      ...(group.restrict !== undefined ? { locked: { isLocked: group.restrict } } : {}),
      ...(group.joinApprovalMode !== undefined
        ? { membershipApproval: { isRequired: group.joinApprovalMode } }
        : {}),
    };
    if (Object.keys(changes).length === 0) return [];
    const author = group.author ? { sender: senderOf(ctx.me, group.author, group.authorPn) } : {};
    return [
      {
        eventType: "group",
        eventData: { id: group.id, ...author, timestamp: ctx.now.toISOString(), ...changes },
      },
    ];
  });
}

const PARTICIPANT_FIELDS = { add: "join", remove: "leave", promote: "promote", demote: "demote" } as const;

export function mapGroupParticipantsUpdate(
  update: { id: string; author: string; authorPn?: string; participants: GroupParticipant[]; action: string },
  ctx: Ctx,
): WhatsAppEvent[] {
  const field = PARTICIPANT_FIELDS[update.action as keyof typeof PARTICIPANT_FIELDS];
  if (!field) return [];
  const people = update.participants.map((p) => identityOf(p.id, p.phoneNumber, p.lid));
  const author = update.author ? { sender: senderOf(ctx.me, update.author, update.authorPn) } : {};
  return [
    {
      eventType: "group",
      eventData: { id: update.id, ...author, timestamp: ctx.now.toISOString(), [field]: people },
    },
  ];
}

export function mapCalls(calls: WACallEvent[]): WhatsAppEvent[] {
  return calls.flatMap((call): WhatsAppEvent[] => {
    const caller = identityOf(call.from, call.callerPn);
    const time = new Date(call.date).toISOString();
    switch (call.status) {
      case "offer": {
        const chatId = call.groupJid ?? caller.id;
        const data = {
          id: call.id,
          caller,
          chatId,
          isGroup: call.isGroup === true,
          time,
          isVideo: call.isVideo === true,
        };
        return [{ eventType: "call_offer", eventData: data }];
      }
      case "accept":
        return [{ eventType: "call_accept", eventData: { id: call.id, caller, time } }];
      case "reject":
      case "terminate":
      case "timeout": {
        const reason =
          call.status === "reject" ? "rejected" : call.status === "terminate" ? "ended" : "unknown";
        return [{ eventType: "call_terminate", eventData: { id: call.id, caller, time, reason } }];
      }
      default:
        return [];
    }
  });
}

/** contacts.upsert / contacts.update: address-book changes and push names. */
export function mapContacts(contacts: Partial<Contact>[]): WhatsAppEvent[] {
  return contacts.flatMap((contact): WhatsAppEvent[] => {
    if (!contact.id) return [];
    const user = identityOf(contact.id, contact.phoneNumber, contact.lid);
    const events: WhatsAppEvent[] = [];
    if (contact.name !== undefined) {
      const data = { contact: user, fullName: contact.name, inPhoneAddressBook: contact.name !== "" };
      events.push({ eventType: "contact", eventData: data });
    }
    if (contact.notify)
      events.push({ eventType: "chat_push_name", eventData: { user, pushName: contact.notify } });
    if (contact.status)
      events.push({ eventType: "chat_status", eventData: { user, status: contact.status } });
    return events;
  });
}

/** chats.update: only the app-state settings (archive, pin, mute, read) become events. */
export function mapChatUpdates(updates: ChatUpdate[]): WhatsAppEvent[] {
  return updates.flatMap((chat): WhatsAppEvent[] => {
    if (!chat.id) return [];
    const id = chat.id.endsWith("@g.us") ? chat.id : identityOf(chat.id).id;
    const events: WhatsAppEvent[] = [];
    const setting = (data: Omit<EventDataOf<"chat_setting">, "id">) =>
      events.push({ eventType: "chat_setting", eventData: { id, ...data } });
    if (typeof chat.archived === "boolean")
      setting({ settingType: "archive", archive: { isArchived: chat.archived } });
    if (chat.pinned !== undefined)
      setting({ settingType: "pin", pin: { isPinned: Boolean(toNumber(chat.pinned)) } });
    if (chat.muteEndTime !== undefined) {
      const end = toNumber(chat.muteEndTime) ?? 0;
      const until = end > 0 ? { muteEndTime: new Date(end < 1e12 ? end * 1000 : end).toISOString() } : {};
      setting({ settingType: "mute", mute: { isMuted: end !== 0, ...until } });
    }
    if (chat.unreadCount === 0 || chat.unreadCount === -1) {
      setting({ settingType: "read", read: { isRead: chat.unreadCount === 0 } });
    }
    return events;
  });
}

export interface SessionPhase {
  loggedIn: boolean;
  /** Baileys reported a new login; the next "open" completes the pairing. */
  pairing: boolean;
  /** The logout was asked for through the API, so a 401 close is not a server logout. */
  apiLogout: boolean;
}

export type ConnectionAction = "none" | "reconnect" | "restart-now" | "reset-session";

// Baileys' DisconnectReason: loggedOut 401, restartRequired 515, timedOut/connectionLost 408,
// connectionClosed 428, connectionReplaced 440, badSession 500, forbidden 403, multideviceMismatch 411.
const LOGIN_FAILURES = new Set([403, 411, 500]);

export function disconnectCode(update: Partial<ConnectionState>): number | undefined {
  const error = update.lastDisconnect?.error as { output?: { statusCode?: number } } | undefined;
  return error?.output?.statusCode;
}

/** connection.update → session events and what the adapter must do next. */
export function reduceConnectionUpdate(
  phase: SessionPhase,
  update: Partial<ConnectionState>,
  deviceId: string | undefined,
): { phase: SessionPhase; events: WhatsAppEvent[]; action: ConnectionAction } {
  const next = { ...phase, pairing: phase.pairing || update.isNewLogin === true };
  if (update.connection === "open") {
    const events: WhatsAppEvent[] = next.pairing ? [{ eventType: "logged_in", eventData: { deviceId } }] : [];
    return { phase: { ...next, loggedIn: true, pairing: false }, events, action: "none" };
  }
  if (update.connection !== "close") return { phase: next, events: [], action: "none" };
  const code = disconnectCode(update);
  if (code === 401) {
    const reason = phase.apiLogout ? "api_logout" : "server_logout";
    const events: WhatsAppEvent[] = phase.loggedIn
      ? [{ eventType: "logged_out", eventData: { reason } }]
      : [];
    return { phase: { loggedIn: false, pairing: false, apiLogout: false }, events, action: "reset-session" };
  }
  if (code === 515) return { phase: next, events: [], action: "restart-now" };
  if (!phase.loggedIn && code !== undefined && LOGIN_FAILURES.has(code)) {
    const error = (update.lastDisconnect?.error as Error | undefined)?.message ?? `disconnected (${code})`;
    const data = { ...(deviceId ? { id: deviceId } : {}), error };
    return {
      phase: { ...next, pairing: false },
      events: [{ eventType: "login_error", eventData: data }],
      action: "reconnect",
    };
  }
  return { phase: next, events: [], action: "reconnect" };
}
