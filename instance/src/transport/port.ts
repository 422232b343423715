// The one interface the HTTP routes use to reach WhatsApp. Two adapters implement it:
// `baileys.ts` (production) and `simulator.ts` (the local simulated network).
import type {
  BulkCheckResult,
  BusinessProfile,
  ChatListItem,
  ChatPicture,
  ContactInfo,
  GroupInfo,
  Identity,
  MediaKind,
  PrivacySetting,
  PrivacySettings,
  PrivacyValue,
  UserInfo,
  UserMeInfo,
} from "@wsapi/contracts/instance-api";
import type { SessionHealth } from "@wsapi/contracts/session-health";
import type { CommunityOperations } from "./community-port.js";
import type { NewsletterOperations } from "./newsletter-port.js";
import type { StatusOperations } from "./status-port.js";

export interface TransportStatus {
  /** A live connection to the network exists right now (QR pairing included). */
  isConnected: boolean;
  /** A device is paired; the session may be reconnecting. */
  isLoggedIn: boolean;
  deviceId?: string;
  /** Our extension to WSAPI's status: see transport/health.ts. */
  health?: SessionHealth;
}

export type EphemeralSetting = "off" | "24h" | "7d" | "90d";

export interface SendOptions {
  mentions?: string[];
  replyTo?: string;
  replyToSenderId?: string;
  isForwarded?: boolean;
  ephemeralExpiration?: EphemeralSetting;
  /** The id to send under (the send queue answers it before sending); one is made when absent. */
  messageId?: string;
}

export type OutgoingMessage =
  | { kind: "text"; text: string }
  | {
      kind: "media";
      mediaType: MediaKind;
      bytes: Buffer;
      mimeType: string;
      caption?: string;
      filename?: string;
      viewOnce?: boolean;
      isAnimated?: boolean;
    }
  | { kind: "contact"; displayName: string; vcard: string }
  | { kind: "location"; latitude: number; longitude: number; name?: string; address?: string; url?: string }
  | { kind: "link"; text: string; url: string; title?: string; description?: string; jpegThumbnail?: Buffer };

/** Identifies an existing message: its id, its chat, and (in groups, or for others' messages) its sender. */
export interface MessageRef {
  messageId: string;
  chatId: string;
  senderId?: string;
}

export type ReceiptType = "delivered" | "sender" | "read" | "played";
export type ChatPresenceState = "typing" | "paused" | "recording";

export type ChatSettingChange =
  | { setting: "mute"; duration: "8h" | "1w" | "always" | "off" }
  | { setting: "pin"; pinned: boolean }
  | { setting: "archive"; archived: boolean }
  | { setting: "read"; read: boolean }
  | { setting: "ephemeral"; expiration: EphemeralSetting };

export type GroupSettingChange =
  | { setting: "announce" | "locked" | "join-approval"; enabled: boolean }
  | { setting: "member-add-mode"; onlyAdminAdd: boolean };

export type ParticipantAction = "add" | "remove" | "promote" | "demote";

export interface DownloadedMedia {
  bytes: Buffer;
  mimeType: string;
  filename?: string;
}

export interface ProfileUpdate {
  name?: string;
  status?: string;
  picture?: Buffer;
}

/** A group invite received in a direct message (not a link). */
export interface GroupInvite {
  groupId: string;
  inviterId: string;
  code: string;
  expiration?: number;
}

export interface GroupJoinRequest {
  user: Identity;
  requestedAt?: string;
}

export interface WhatsAppTransport {
  start(): Promise<void>;
  stop(): Promise<void>;
  status(): TransportStatus;
  /** The QR string to show while unpaired and connected; undefined otherwise. */
  qrCode(): string | undefined;
  /** Returns an 8-character pairing code, formatted "ABCD-EFGH". */
  requestPairCode(phone: string): Promise<string>;
  logout(): Promise<void>;

  send(to: string, message: OutgoingMessage, options: SendOptions): Promise<string>;
  react(ref: MessageRef, emoji: string): Promise<string>;
  edit(ref: MessageRef, text: string): Promise<string>;
  markRead(ref: MessageRef, receiptType: ReceiptType): Promise<void>;
  star(ref: MessageRef, starred: boolean): Promise<void>;
  pin(ref: MessageRef, pinned: boolean, expiration: "24h" | "7d" | "30d" | undefined): Promise<void>;
  deleteForEveryone(ref: MessageRef): Promise<void>;

  listChats(): Promise<ChatListItem[]>;
  getChat(chatId: string): Promise<ChatListItem | undefined>;
  setChatPresence(chatId: string, state: ChatPresenceState): Promise<void>;
  subscribePresence(chatId: string): Promise<void>;
  updateChatSetting(chatId: string, change: ChatSettingChange): Promise<void>;

  listContacts(): Promise<ContactInfo[]>;
  getContact(contactId: string): Promise<ContactInfo | undefined>;
  saveContact(contact: { id: string; fullName: string; firstName?: string }): Promise<void>;

  myProfile(): Promise<UserMeInfo>;
  updateProfile(update: ProfileUpdate): Promise<void>;
  setPresence(presence: "available" | "unavailable"): Promise<void>;
  checkUsers(phones: string[]): Promise<BulkCheckResult[]>;
  userProfile(phone: string): Promise<UserInfo>;

  createGroup(name: string, participants: string[]): Promise<GroupInfo>;
  listGroups(): Promise<GroupInfo[]>;
  getGroup(groupId: string): Promise<GroupInfo | undefined>;
  updateGroupParticipants(groupId: string, participants: string[], action: ParticipantAction): Promise<void>;
  groupInviteLink(groupId: string, reset: boolean): Promise<string>;
  joinGroup(inviteCode: string): Promise<string>;
  leaveGroup(groupId: string): Promise<void>;
  setGroupName(groupId: string, name: string): Promise<void>;
  setGroupDescription(groupId: string, description: string): Promise<void>;
  updateGroupSetting(groupId: string, change: GroupSettingChange): Promise<void>;

  downloadMedia(mediaId: string): Promise<DownloadedMedia | undefined>;
  rejectCall(callId: string, callerId: string): Promise<void>;

  /** Publishes the cached history as `message_history_sync` events (one per chat), then forgets it. */
  flushHistory(): Promise<void>;
  /** Asks for up to `count` messages older than `before`; they arrive as a `message_history_sync` event. */
  requestChatMessages(chatId: string, before: MessageRef, count: number): Promise<void>;
  deleteForMe(ref: MessageRef, options: { isFromMe?: boolean; timestamp?: string }): Promise<void>;
  clearChat(chatId: string): Promise<void>;
  deleteChat(chatId: string): Promise<void>;
  chatPicture(chatId: string): Promise<ChatPicture>;
  /** undefined when the chat is not a business account. */
  businessProfile(chatId: string): Promise<BusinessProfile | undefined>;
  syncContacts(): Promise<void>;
  blocklist(): Promise<Identity[]>;
  setBlocked(contactId: string, blocked: boolean): Promise<void>;
  privacySettings(): Promise<PrivacySettings>;
  setPrivacy(setting: PrivacySetting, value: PrivacyValue): Promise<void>;
  /** Returns the new picture's id when WhatsApp names it. */
  setGroupPicture(groupId: string, jpeg: Buffer): Promise<string | undefined>;
  joinGroupWithInvite(invite: GroupInvite): Promise<void>;
  /** undefined when the code is unknown or was reset. */
  groupInviteInfo(code: string): Promise<GroupInfo | undefined>;
  groupJoinRequests(groupId: string): Promise<GroupJoinRequest[]>;
  updateGroupJoinRequests(
    groupId: string,
    participants: string[],
    action: "approve" | "reject",
  ): Promise<void>;
  readonly statusUpdates: StatusOperations;
  readonly newsletters: NewsletterOperations;
  readonly communities: CommunityOperations;
}

export type TransportErrorKind =
  | "not_paired"
  | "not_connected"
  | "already_paired"
  | "not_found"
  | "forbidden"
  | "rejected"
  | "unsupported";

/** A failure the caller can act on; the routes turn each kind into one HTTP status. */
export class TransportError extends Error {
  constructor(
    readonly kind: TransportErrorKind,
    message: string,
  ) {
    super(message);
    this.name = "TransportError";
  }
}

/** Where a transport keeps its session (WhatsApp credentials) between restarts. */
export interface SessionStateStore {
  /** The stored session as JSON text, or null when there is none. Retries until the store answers. */
  load(): Promise<string | null>;
  /** Schedules a write of the latest snapshot; writes are coalesced. */
  save(snapshot: () => string): void;
  /** Forgets the session now (logout). */
  clear(): Promise<void>;
  /** Writes any pending snapshot now (shutdown). */
  flush(): Promise<void>;
}
