// Blocklist, privacy, business profiles, chat pictures, chat clear/delete, delete-for-me, history
// requests, group pictures, invites and join requests through Baileys, given a connected socket.
import {
  generateProfilePicture,
  getBinaryNodeChild,
  S_WHATSAPP_NET,
  type WASocket,
} from "@whiskeysockets/baileys";
import type { WhatsAppEvent } from "@wsapi/contracts/events";
import { PRIVACY_VALUES, type PrivacySetting, type PrivacyValue } from "@wsapi/contracts/instance-api";
import { groupInfo, guarded } from "./baileys-actions.js";
import type { BaileysHistory } from "./baileys-history.js";
import { type Me, normalizeJid } from "./baileys-jid.js";
import {
  mapBlocklist,
  mapBusinessProfile,
  mapJoinRequests,
  mapPrivacySettings,
} from "./baileys-mapping-core.js";
import { messageKey } from "./baileys-send.js";
import type { BaileysStore } from "./baileys-store.js";
import { TransportError, type WhatsAppTransport } from "./port.js";

export type CoreOperations = Pick<
  WhatsAppTransport,
  | "flushHistory"
  | "requestChatMessages"
  | "deleteForMe"
  | "clearChat"
  | "deleteChat"
  | "chatPicture"
  | "businessProfile"
  | "syncContacts"
  | "blocklist"
  | "setBlocked"
  | "privacySettings"
  | "setPrivacy"
  | "setGroupPicture"
  | "joinGroupWithInvite"
  | "groupInviteInfo"
  | "groupJoinRequests"
  | "updateGroupJoinRequests"
>;

type Values<S extends PrivacySetting> = (typeof PRIVACY_VALUES)[S][number];
const PRIVACY_UPDATES: { [S in PrivacySetting]: (socket: WASocket, value: Values<S>) => Promise<void> } = {
  groupadd: (socket, value) => socket.updateGroupsAddPrivacy(value),
  last: (socket, value) => socket.updateLastSeenPrivacy(value),
  status: (socket, value) => socket.updateStatusPrivacy(value),
  profile: (socket, value) => socket.updateProfilePicturePrivacy(value),
  readreceipts: (socket, value) => socket.updateReadReceiptsPrivacy(value),
  online: (socket, value) => socket.updateOnlinePrivacy(value),
  calladd: (socket, value) => socket.updateCallPrivacy(value),
};

/** Baileys answers a missing thing with a Boom 404 (or 401 when hidden); both mean "none". */
async function orNone<T>(operation: () => Promise<T>): Promise<T | undefined> {
  try {
    return await guarded(operation);
  } catch (error) {
    if (error instanceof TransportError && (error.kind === "not_found" || error.kind === "forbidden"))
      return undefined;
    throw error;
  }
}

export function createBaileysCoreOperations(
  socket: () => WASocket,
  store: BaileysStore,
  me: () => Me,
  history: BaileysHistory,
  emit: (event: WhatsAppEvent) => void,
): CoreOperations {
  const ctx = () => ({ me: me(), now: new Date() });
  const lastMessages = (chatId: string) => {
    const last = store.lastMessage(chatId);
    if (!last) throw new TransportError("not_found", "no message of this chat is known to this instance yet");
    return [last];
  };

  return {
    flushHistory: async () => {
      for (const event of history.flush(ctx())) emit(event);
    },
    requestChatMessages: (chatId, before, count) =>
      guarded(async () => {
        const known = store.message(before.messageId);
        if (known?.chatId !== chatId)
          throw new TransportError("not_found", "this message of this chat is not known to this instance");
        await socket().fetchMessageHistory(count, known.key, known.messageTimestamp);
      }),
    deleteForMe: (ref, options) =>
      guarded(async () => {
        const key = {
          ...messageKey(ref, me()),
          ...(options.isFromMe !== undefined ? { fromMe: options.isFromMe } : {}),
        };
        const timestamp = options.timestamp
          ? Math.floor(Date.parse(options.timestamp) / 1000)
          : (store.message(ref.messageId)?.messageTimestamp ?? Math.floor(Date.now() / 1000));
        await socket().chatModify({ deleteForMe: { deleteMedia: false, key, timestamp } }, ref.chatId);
      }),
    clearChat: (chatId) =>
      guarded(() => socket().chatModify({ clear: true, lastMessages: lastMessages(chatId) }, chatId)),
    deleteChat: (chatId) =>
      guarded(async () => {
        await socket().chatModify({ delete: true, lastMessages: lastMessages(chatId) }, chatId);
        store.deleteChats([chatId]);
      }),
    chatPicture: async (chatId) => {
      const pictureUrl = await orNone(() => socket().profilePictureUrl(chatId, "image"));
      return pictureUrl ? { pictureUrl } : {};
    },
    businessProfile: async (chatId) => {
      const profile = await orNone(() => socket().getBusinessProfile(chatId));
      return profile ? mapBusinessProfile(profile) : undefined;
    },
    // Contacts live in WhatsApp's critical_unblock_low app state; a resync re-reads it and Baileys
    // emits contacts.upsert, which becomes `contact` events.
    syncContacts: () => guarded(() => socket().resyncAppState(["critical_unblock_low"], false)),
    blocklist: () => guarded(async () => mapBlocklist(await socket().fetchBlocklist())),
    setBlocked: (contactId, blocked) =>
      guarded(() => socket().updateBlockStatus(contactId, blocked ? "block" : "unblock")),
    privacySettings: () => guarded(async () => mapPrivacySettings(await socket().fetchPrivacySettings(true))),
    setPrivacy: (setting, value) =>
      guarded(async () => {
        if (!(PRIVACY_VALUES[setting] as readonly PrivacyValue[]).includes(value))
          throw new TransportError("rejected", `${setting} cannot be set to ${value}`);
        const update = PRIVACY_UPDATES[setting] as (socket: WASocket, value: PrivacyValue) => Promise<void>;
        await update(socket(), value);
      }),
    // updateProfilePicture drops WhatsApp's answer; the same IQ, sent here, names the new picture.
    setGroupPicture: (groupId, jpeg) =>
      guarded(async () => {
        const { img } = await generateProfilePicture(jpeg);
        const result = await socket().query({
          tag: "iq",
          attrs: {
            to: S_WHATSAPP_NET,
            type: "set",
            xmlns: "w:profile:picture",
            target: normalizeJid(groupId),
          },
          content: [{ tag: "picture", attrs: { type: "image" }, content: img }],
        });
        return getBinaryNodeChild(result, "picture")?.attrs.id;
      }),
    joinGroupWithInvite: ({ groupId, inviterId, code, expiration }) =>
      guarded(async () => {
        await socket().groupAcceptInviteV4(inviterId, {
          groupJid: groupId,
          inviteCode: code,
          inviteExpiration: expiration ?? 0,
        });
      }),
    groupInviteInfo: async (code) => {
      const metadata = await orNone(() => socket().groupGetInviteInfo(code));
      return metadata ? groupInfo(metadata) : undefined;
    },
    groupJoinRequests: (groupId) =>
      guarded(async () => mapJoinRequests(await socket().groupRequestParticipantsList(groupId), new Date())),
    updateGroupJoinRequests: (groupId, participants, action) =>
      guarded(
        async () => void (await socket().groupRequestParticipantsUpdate(groupId, participants, action)),
      ),
  };
}
