// The WhatsApp operations of the Baileys adapter, given a connected socket.
import { downloadMediaMessage, type GroupMetadata, type WASocket } from "@whiskeysockets/baileys";
import type { GroupInfo } from "@wsapi/contracts/instance-api";
import type { CoreOperations } from "./baileys-core-ops.js";
import { identityOf, type Me, normalizeJid } from "./baileys-jid.js";
import { unwrapContent } from "./baileys-mapping.js";
import {
  ephemeralSeconds,
  generationOptions,
  isMeJid,
  messageContent,
  messageKey,
  PIN_SECONDS,
} from "./baileys-send.js";
import type { BaileysStore } from "./baileys-store.js";
import { TransportError, type WhatsAppTransport } from "./port.js";

type Operations = Omit<
  WhatsAppTransport,
  | "start"
  | "stop"
  | "status"
  | "qrCode"
  | "requestPairCode"
  | "logout"
  | keyof CoreOperations
  | "statusUpdates"
  | "newsletters"
  | "communities"
>;

const HOUR_MS = 3_600_000;
const MUTE_MS = { "8h": 8 * HOUR_MS, "1w": 168 * HOUR_MS } as const;

/** Baileys fails with Boom errors; their status codes map onto the port's error kinds. */
export async function guarded<T>(operation: () => Promise<T>): Promise<T> {
  try {
    return await operation();
  } catch (error) {
    if (error instanceof TransportError) throw error;
    const status = (error as { output?: { statusCode?: number } }).output?.statusCode;
    if (status === 401 || status === 403)
      throw new TransportError("forbidden", "WhatsApp refused this operation");
    if (status === 404) throw new TransportError("not_found", "not found on WhatsApp");
    if (status === 400 || status === 406)
      throw new TransportError("rejected", "WhatsApp rejected this request");
    if (status === 408 || status === 428 || status === 503) {
      throw new TransportError("not_connected", "connection to WhatsApp lost; retry shortly");
    }
    throw error;
  }
}

export function groupInfo(group: GroupMetadata): GroupInfo {
  return {
    groupId: group.id,
    ...(group.owner ? { owner: identityOf(group.owner, group.ownerPn) } : {}),
    name: group.subject,
    ...(group.creation ? { createdAt: new Date(group.creation * 1000).toISOString() } : {}),
    ...(group.desc ? { description: group.desc } : {}),
    isAnnounce: group.announce === true,
    isLocked: group.restrict === true,
    ...(group.ephemeralDuration ? { isEphemeral: true, ephemeralExpiration: group.ephemeralDuration } : {}),
    participants: group.participants.map((p) => ({
      ...identityOf(p.id, p.phoneNumber, p.lid),
      isAdmin: p.admin === "admin" || p.admin === "superadmin",
      isSuperAdmin: p.admin === "superadmin",
      ...(p.notify ? { displayName: p.notify } : {}),
    })),
    ...(group.linkedParent
      ? { communityId: group.linkedParent, isAnnouncementGroup: group.isCommunityAnnounce === true }
      : {}),
    isJoinApprovalRequired: group.joinApprovalMode === true,
    memberAddMode: group.memberAddMode ? "all_member_add" : "admin_add",
  };
}

export function createBaileysOperations(
  socket: () => WASocket,
  store: BaileysStore,
  me: () => Me,
): Operations {
  const sent = (id: string | null | undefined) => {
    if (!id) throw new TransportError("rejected", "WhatsApp did not accept the message");
    return id;
  };
  const lastMessages = (chatId: string) => {
    const last = store.lastMessage(chatId);
    if (!last) throw new TransportError("rejected", "no message of this chat is known to this instance yet");
    return [last];
  };

  return {
    send: (to, message, options) =>
      guarded(async () => {
        const result = await socket().sendMessage(
          to,
          messageContent(message, options),
          generationOptions(to, options, me()),
        );
        return sent(result?.key.id);
      }),
    react: (ref, emoji) =>
      guarded(async () =>
        sent(
          (await socket().sendMessage(ref.chatId, { react: { text: emoji, key: messageKey(ref, me()) } }))
            ?.key.id,
        ),
      ),
    edit: (ref, text) =>
      guarded(async () => {
        const key = { ...messageKey(ref, me()), fromMe: true };
        return sent((await socket().sendMessage(ref.chatId, { text, edit: key }))?.key.id);
      }),
    markRead: (ref, receiptType) =>
      guarded(async () => {
        const key = messageKey(ref, me());
        if (receiptType === "read") return socket().readMessages([key]);
        const participant = ref.chatId.endsWith("@g.us") ? ref.senderId : undefined;
        return socket().sendReceipt(
          ref.chatId,
          participant,
          [ref.messageId],
          receiptType === "delivered" ? undefined : receiptType,
        );
      }),
    star: (ref, starred) =>
      guarded(() =>
        socket().star(ref.chatId, [{ id: ref.messageId, fromMe: isMeJid(ref.senderId, me()) }], starred),
      ),
    pin: (ref, pinned, expiration) =>
      guarded(async () => {
        const time = PIN_SECONDS[expiration ?? "7d"];
        await socket().sendMessage(ref.chatId, { pin: messageKey(ref, me()), type: pinned ? 1 : 2, time });
      }),
    deleteForEveryone: (ref) =>
      guarded(async () => void (await socket().sendMessage(ref.chatId, { delete: messageKey(ref, me()) }))),

    listChats: async () => store.listChats(),
    getChat: async (chatId) => store.getChat(chatId),
    setChatPresence: (chatId, state) =>
      guarded(() => socket().sendPresenceUpdate(state === "typing" ? "composing" : state, chatId)),
    subscribePresence: (chatId) => guarded(() => socket().presenceSubscribe(chatId)),
    updateChatSetting: (chatId, change) =>
      guarded(async () => {
        const sock = socket();
        switch (change.setting) {
          case "mute":
            // WhatsApp stores the end of the mute in ms; -1 means "always".
            return sock.chatModify(
              {
                mute:
                  change.duration === "off"
                    ? null
                    : change.duration === "always"
                      ? -1
                      : Date.now() + MUTE_MS[change.duration],
              },
              chatId,
            );
          case "pin":
            return sock.chatModify({ pin: change.pinned }, chatId);
          case "archive":
            return sock.chatModify({ archive: change.archived, lastMessages: lastMessages(chatId) }, chatId);
          case "read":
            return sock.chatModify({ markRead: change.read, lastMessages: lastMessages(chatId) }, chatId);
          case "ephemeral": {
            const seconds = ephemeralSeconds(change.expiration);
            await sock.sendMessage(chatId, { disappearingMessagesInChat: seconds === 0 ? false : seconds });
            return;
          }
        }
      }),

    listContacts: async () => store.listContacts(),
    getContact: async (contactId) => store.getContact(contactId),
    saveContact: (contact) =>
      guarded(() =>
        socket().addOrEditContact(contact.id, {
          fullName: contact.fullName,
          ...(contact.firstName ? { firstName: contact.firstName } : {}),
          saveOnPrimaryAddressbook: true,
        }),
      ),

    myProfile: async () => {
      const user = socket().user;
      if (!user) throw new TransportError("not_paired", "device not paired");
      const device = Number(/:(\d+)@/.exec(user.id)?.[1] ?? 0);
      return {
        ...identityOf(user.id, user.lid),
        ...(device ? { deviceId: device } : {}),
        ...(user.name ? { pushName: user.name } : {}),
      };
    },
    updateProfile: (update) =>
      guarded(async () => {
        const sock = socket();
        if (update.name !== undefined) await sock.updateProfileName(update.name);
        if (update.status !== undefined) await sock.updateProfileStatus(update.status);
        if (update.picture !== undefined)
          await sock.updateProfilePicture(normalizeJid(me().id), update.picture);
      }),
    setPresence: (presence) => guarded(() => socket().sendPresenceUpdate(presence)),
    checkUsers: (phones) =>
      guarded(async () => {
        const found = (await socket().onWhatsApp(...phones)) ?? [];
        return phones.map((phone) => {
          const match = found.find((result) => result.exists && result.jid.startsWith(`${phone}@`));
          return match
            ? { query: phone, isInWhatsApp: true, jid: match.jid }
            : { query: phone, isInWhatsApp: false };
        });
      }),
    userProfile: (phone) =>
      guarded(async () => {
        const [result] = (await socket().onWhatsApp(phone)) ?? [];
        const jid = `${phone}@s.whatsapp.net`;
        if (!result?.exists) return { ...identityOf(jid), isInWhatsApp: false };
        const pictureUrl = await socket()
          .profilePictureUrl(result.jid, "preview")
          .catch(() => undefined);
        return { ...identityOf(result.jid), isInWhatsApp: true, ...(pictureUrl ? { pictureUrl } : {}) };
      }),

    createGroup: (name, participants) =>
      guarded(async () => groupInfo(await socket().groupCreate(name, participants))),
    listGroups: () =>
      guarded(async () => Object.values(await socket().groupFetchAllParticipating()).map(groupInfo)),
    getGroup: async (groupId) => {
      try {
        return groupInfo(await guarded(() => socket().groupMetadata(groupId)));
      } catch (error) {
        if (error instanceof TransportError && (error.kind === "not_found" || error.kind === "forbidden"))
          return undefined;
        throw error;
      }
    },
    updateGroupParticipants: (groupId, participants, action) =>
      guarded(async () => void (await socket().groupParticipantsUpdate(groupId, participants, action))),
    groupInviteLink: (groupId, reset) =>
      guarded(async () => {
        const code = reset
          ? await socket().groupRevokeInvite(groupId)
          : await socket().groupInviteCode(groupId);
        if (!code) throw new TransportError("rejected", "WhatsApp returned no invite code");
        return code;
      }),
    joinGroup: (code) =>
      guarded(async () => {
        const groupId = await socket().groupAcceptInvite(code);
        if (!groupId) throw new TransportError("not_found", "invite link is invalid or was reset");
        return groupId;
      }),
    leaveGroup: (groupId) => guarded(() => socket().groupLeave(groupId)),
    setGroupName: (groupId, name) => guarded(() => socket().groupUpdateSubject(groupId, name)),
    setGroupDescription: (groupId, description) =>
      guarded(() => socket().groupUpdateDescription(groupId, description === "" ? undefined : description)),
    updateGroupSetting: (groupId, change) =>
      guarded(async () => {
        const sock = socket();
        if (change.setting === "member-add-mode") {
          return sock.groupMemberAddMode(groupId, change.onlyAdminAdd ? "admin_add" : "all_member_add");
        }
        if (change.setting === "announce") {
          return sock.groupSettingUpdate(groupId, change.enabled ? "announcement" : "not_announcement");
        }
        if (change.setting === "locked")
          return sock.groupSettingUpdate(groupId, change.enabled ? "locked" : "unlocked");
        return sock.groupJoinApprovalMode(groupId, change.enabled ? "on" : "off");
      }),

    downloadMedia: async (mediaId) => {
      const message = store.mediaMessage(mediaId);
      if (!message) return undefined;
      const sock = socket();
      const bytes = await guarded(() =>
        downloadMediaMessage(
          message,
          "buffer",
          {},
          { logger: sock.logger, reuploadRequest: sock.updateMediaMessage },
        ),
      );
      const { content } = unwrapContent(message.message);
      const media =
        content?.imageMessage ??
        content?.videoMessage ??
        content?.audioMessage ??
        content?.documentMessage ??
        content?.stickerMessage;
      return {
        bytes,
        mimeType: media?.mimetype ?? "application/octet-stream",
        ...(content?.documentMessage?.fileName ? { filename: content.documentMessage.fileName } : {}),
      };
    },
    rejectCall: (callId, callerId) => guarded(() => socket().rejectCall(callId, callerId)),
  };
}
