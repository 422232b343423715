// Wire protocol between an instance (simulator transport) and the simulated WhatsApp network:
// JSON frames over one WebSocket per instance. Events already have WSAPI's eventData shape,
// the same data the Baileys mapping produces from real WhatsApp traffic.

import { EventType } from "@wsapi/contracts/events";
import { MEDIA_KINDS, PRIVACY_SETTINGS, PrivacyValue } from "@wsapi/contracts/instance-api";
import { z } from "zod";
import { COMMUNITY_OPS, NEWSLETTER_OPS, STATUS_OPS } from "./protocol-social.js";

export const SIM_SOCKET_PATH = "/v1/socket";
export const SIM_MAX_FRAME_BYTES = 80 * 1024 * 1024;
/** WebSocket close code for "another connection of this device took over" (Baileys' 440). */
export const SIM_CLOSE_REPLACED = 4440;

const jid = z.string().min(3).max(128);
const phone = z.string().regex(/^\d{7,15}$/);
const expiration = z.enum(["off", "24h", "7d", "90d"]);

export const HelloFrame = z.object({
  type: z.literal("hello"),
  instanceId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/),
  credential: z.string().max(256).optional(),
});
export const RequestFrame = z.object({
  type: z.literal("request"),
  requestId: z.number().int().nonnegative(),
  op: z.string().max(64),
  args: z.record(z.string(), z.unknown()),
});
/** Application-level keepalive: the network answers with a pong unless the socket is frozen. */
export const PingFrame = z.object({ type: z.literal("ping"), pingId: z.number().int().nonnegative() });
export const ClientFrame = z.discriminatedUnion("type", [HelloFrame, RequestFrame, PingFrame]);
export type ClientFrame = z.infer<typeof ClientFrame>;

export const TransportErrorKindSchema = z.enum([
  "not_paired",
  "not_connected",
  "already_paired",
  "not_found",
  "forbidden",
  "rejected",
  "unsupported",
]);

export const ServerFrame = z.discriminatedUnion("type", [
  z.object({ type: z.literal("session"), loggedIn: z.boolean(), deviceId: z.string().optional() }),
  z.object({ type: z.literal("qr"), code: z.string() }),
  z.object({ type: z.literal("paired"), deviceId: z.string(), credential: z.string() }),
  /** The phone refused to link this device (the scan or code was good, the pairing failed). */
  z.object({ type: z.literal("pair_error"), deviceId: z.string(), error: z.string() }),
  /**
   * The history sync after pairing (RECENT): the account's recent messages in chunks, progress
   * reaching 100 on the last. The device keeps it or not (WSAPI's `historySync`).
   */
  z.object({
    type: z.literal("history_sync"),
    messages: z.array(z.unknown()),
    progress: z.number().int().min(0).max(100),
  }),
  z.object({ type: z.literal("logged_out"), reason: z.string() }),
  z.object({ type: z.literal("pong"), pingId: z.number().int() }),
  z.object({ type: z.literal("event"), eventType: EventType, eventData: z.unknown() }),
  z.object({
    type: z.literal("response"),
    requestId: z.number().int(),
    result: z.unknown().optional(),
    error: z.object({ kind: TransportErrorKindSchema, detail: z.string() }).optional(),
  }),
]);
export type ServerFrame = z.infer<typeof ServerFrame>;

const messageRef = z.object({ messageId: z.string().max(128), chatId: jid, senderId: jid.optional() });
const sendOptions = z.object({
  mentions: z.array(jid).optional(),
  replyTo: z.string().max(128).optional(),
  replyToSenderId: jid.optional(),
  isForwarded: z.boolean().optional(),
  ephemeralExpiration: expiration.optional(),
  messageId: z.string().max(128).optional(),
});
export const WireMessage = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("text"), text: z.string() }),
  z.object({
    kind: z.literal("media"),
    mediaType: z.enum(MEDIA_KINDS),
    data: z.string(),
    mimeType: z.string(),
    caption: z.string().optional(),
    filename: z.string().optional(),
    viewOnce: z.boolean().optional(),
    isAnimated: z.boolean().optional(),
  }),
  z.object({ kind: z.literal("contact"), displayName: z.string(), vcard: z.string() }),
  z.object({
    kind: z.literal("location"),
    latitude: z.number(),
    longitude: z.number(),
    name: z.string().optional(),
    address: z.string().optional(),
    url: z.string().optional(),
  }),
  z.object({
    kind: z.literal("link"),
    text: z.string(),
    url: z.string(),
    title: z.string().optional(),
    description: z.string().optional(),
  }),
]);
export type WireMessage = z.infer<typeof WireMessage>;

const chatSetting = z.discriminatedUnion("setting", [
  z.object({ setting: z.literal("mute"), duration: z.enum(["8h", "1w", "always", "off"]) }),
  z.object({ setting: z.literal("pin"), pinned: z.boolean() }),
  z.object({ setting: z.literal("archive"), archived: z.boolean() }),
  z.object({ setting: z.literal("read"), read: z.boolean() }),
  z.object({ setting: z.literal("ephemeral"), expiration }),
]);
const groupSetting = z.discriminatedUnion("setting", [
  z.object({ setting: z.enum(["announce", "locked", "join-approval"]), enabled: z.boolean() }),
  z.object({ setting: z.literal("member-add-mode"), onlyAdminAdd: z.boolean() }),
]);

/** Every request an instance may make, with its arguments. */
export const SIM_OPS = {
  pairCode: z.object({ phone }),
  logout: z.object({}),
  send: z.object({ to: jid, message: WireMessage, options: sendOptions }),
  react: z.object({ ref: messageRef, emoji: z.string().max(32) }),
  edit: z.object({ ref: messageRef, text: z.string() }),
  markRead: z.object({ ref: messageRef, receiptType: z.enum(["delivered", "sender", "read", "played"]) }),
  star: z.object({ ref: messageRef, starred: z.boolean() }),
  pin: z.object({
    ref: messageRef,
    pinned: z.boolean(),
    expiration: z.enum(["24h", "7d", "30d"]).optional(),
  }),
  deleteForEveryone: z.object({ ref: messageRef }),
  listChats: z.object({}),
  getChat: z.object({ chatId: jid }),
  setChatPresence: z.object({ chatId: jid, state: z.enum(["typing", "paused", "recording"]) }),
  subscribePresence: z.object({ chatId: jid }),
  updateChatSetting: z.object({ chatId: jid, change: chatSetting }),
  listContacts: z.object({}),
  getContact: z.object({ contactId: jid }),
  saveContact: z.object({ id: jid, fullName: z.string(), firstName: z.string().optional() }),
  myProfile: z.object({}),
  updateProfile: z.object({
    name: z.string().optional(),
    status: z.string().optional(),
    picture: z.string().optional(),
  }),
  setPresence: z.object({ presence: z.enum(["available", "unavailable"]) }),
  checkUsers: z.object({ phones: z.array(phone) }),
  userProfile: z.object({ phone }),
  createGroup: z.object({ name: z.string(), participants: z.array(jid) }),
  listGroups: z.object({}),
  getGroup: z.object({ groupId: jid }),
  updateGroupParticipants: z.object({
    groupId: jid,
    participants: z.array(jid),
    action: z.enum(["add", "remove", "promote", "demote"]),
  }),
  groupInviteLink: z.object({ groupId: jid, reset: z.boolean() }),
  joinGroup: z.object({ code: z.string() }),
  leaveGroup: z.object({ groupId: jid }),
  setGroupName: z.object({ groupId: jid, name: z.string() }),
  setGroupDescription: z.object({ groupId: jid, description: z.string() }),
  updateGroupSetting: z.object({ groupId: jid, change: groupSetting }),
  downloadMedia: z.object({ mediaId: z.string() }),
  rejectCall: z.object({ callId: z.string(), callerId: jid }),
  requestChatMessages: z.object({ chatId: jid, before: messageRef, count: z.number().int().min(1).max(500) }),
  deleteForMe: z.object({ ref: messageRef }),
  clearChat: z.object({ chatId: jid }),
  deleteChat: z.object({ chatId: jid }),
  chatPicture: z.object({ chatId: jid }),
  businessProfile: z.object({ chatId: jid }),
  syncContacts: z.object({}),
  blocklist: z.object({}),
  setBlocked: z.object({ contactId: jid, blocked: z.boolean() }),
  privacySettings: z.object({}),
  setPrivacy: z.object({ setting: z.enum(PRIVACY_SETTINGS), value: PrivacyValue }),
  setGroupPicture: z.object({ groupId: jid, picture: z.string() }),
  joinGroupWithInvite: z.object({
    groupId: jid,
    inviterId: jid,
    code: z.string().max(128),
    expiration: z.number().optional(),
  }),
  groupInviteInfo: z.object({ code: z.string().max(128) }),
  groupJoinRequests: z.object({ groupId: jid }),
  updateGroupJoinRequests: z.object({
    groupId: jid,
    participants: z.array(jid),
    action: z.enum(["approve", "reject"]),
  }),
  ...STATUS_OPS,
  ...NEWSLETTER_OPS,
  ...COMMUNITY_OPS,
} as const;
export type SimOp = keyof typeof SIM_OPS;
export type SimOpArgs<O extends SimOp> = z.infer<(typeof SIM_OPS)[O]>;

export const DownloadedMediaWire = z.object({
  data: z.string(),
  mimeType: z.string(),
  filename: z.string().optional(),
});
