// Wire contract of the instance service's API (the gateway forwards WSAPI instance calls here).
// Pure zod: imported by the gateway (functions) and by the instance service. Paths follow WSAPI.
import { z } from "zod";
import { SessionHealth } from "./session-health.js";

/** Decoded media may be at most 50 MB (WSAPI's limit for `data` and `url`). */
export const MEDIA_MAX_BYTES = 50 * 1024 * 1024;
/** HTTP body cap for media sends: base64 inflates by 4/3, plus room for the other fields. */
export const MEDIA_BODY_MAX_BYTES = Math.ceil((MEDIA_MAX_BYTES * 4) / 3) + 64 * 1024;
/** HTTP body cap for every other JSON body. */
export const SMALL_BODY_MAX_BYTES = 256 * 1024;
export const TEXT_MAX_CHARS = 65_536;

export const userJid = z.string().regex(/^\d{5,20}(:\d{1,3})?@s\.whatsapp\.net$/, "must be a user JID");
export const lidJid = z.string().regex(/^\d{5,25}(:\d{1,3})?@lid$/, "must be a LID JID");
export const groupJid = z.string().regex(/^\d{5,25}(-\d{5,15})?@g\.us$/, "must be a group JID");
export const newsletterJid = z.string().regex(/^\d{5,25}@newsletter$/, "must be a newsletter JID");
export const personJid = z.union([userJid, lidJid], { error: "must be a user JID" });
export const chatJid = z.union([userJid, lidJid, groupJid, newsletterJid], { error: "must be a chat JID" });
export const messageId = z.string().regex(/^[A-Za-z0-9_-]{1,128}$/, "must be a message ID");
export const phoneNumber = z.string().regex(/^\+?\d{7,15}$/, "must be a phone number (7 to 15 digits)");
export const base64Data = z.string().regex(/^[A-Za-z0-9+/=\r\n]*$/, "must be base64");
const httpUrl = z.url({ protocol: /^https?$/, error: "must be an http(s) URL" }).max(2048);
export const ephemeralExpiration = z.enum(["off", "24h", "7d", "90d"]);

const sendCommon = {
  to: chatJid,
  mentions: z.array(personJid).max(1024).optional(),
  replyTo: messageId.optional(),
  replyToSenderId: personJid.optional(),
  isForwarded: z.boolean().optional(),
  ephemeralExpiration: ephemeralExpiration.optional(),
};

export const SendTextRequest = z.object({ ...sendCommon, text: z.string().min(1).max(TEXT_MAX_CHARS) });

export const mediaSource = {
  data: base64Data.max(MEDIA_BODY_MAX_BYTES).optional(),
  url: httpUrl.optional(),
  mimeType: z
    .string()
    .regex(/^[\w.+-]+\/[\w.+-]+(;.{0,120})?$/, "must be a MIME type")
    .optional(),
};
export const exactlyOneSource = (body: { data?: string | undefined; url?: string | undefined }) =>
  (body.data === undefined) !== (body.url === undefined);
export const sourceError = { error: "exactly one of data or url is required", path: ["data"] };

export const SendMediaRequest = z
  .object({
    ...sendCommon,
    ...mediaSource,
    caption: z.string().max(4096).optional(),
    viewOnce: z.boolean().optional(),
  })
  .refine(exactlyOneSource, sourceError);
export const SendDocumentRequest = z
  .object({
    ...sendCommon,
    ...mediaSource,
    caption: z.string().max(4096).optional(),
    // WSAPI's document request is its media request plus `filename`, so it takes `viewOnce` too.
    viewOnce: z.boolean().optional(),
    filename: z.string().min(1).max(255),
  })
  .refine(exactlyOneSource, sourceError);
export const SendStickerRequest = z
  .object({ ...sendCommon, ...mediaSource, isAnimated: z.boolean().optional() })
  .refine(exactlyOneSource, sourceError);
export const SendContactRequest = z
  .object({
    ...sendCommon,
    displayName: z.string().min(1).max(256).optional(),
    vcard: z.string().max(8192).optional(),
  })
  .refine((b) => b.displayName !== undefined || b.vcard !== undefined, {
    error: "displayName or vcard is required",
    path: ["displayName"],
  });
export const SendLocationRequest = z.object({
  ...sendCommon,
  latitude: z.number().min(-90).max(90),
  longitude: z.number().min(-180).max(180),
  name: z.string().max(256).optional(),
  address: z.string().max(1024).optional(),
  url: httpUrl.optional(),
});
export const SendLinkRequest = z.object({
  ...sendCommon,
  text: z.string().min(1).max(TEXT_MAX_CHARS),
  url: httpUrl,
  title: z.string().max(1024).optional(),
  description: z.string().max(4096).optional(),
  jpegThumbnail: base64Data.max(128 * 1024).optional(),
});

export const MEDIA_KINDS = ["image", "video", "audio", "voice", "document", "sticker"] as const;
export type MediaKind = (typeof MEDIA_KINDS)[number];

export const SendReactionRequest = z.object({
  to: chatJid,
  senderId: personJid.optional(),
  reaction: z.string().max(32),
});
export const EditMessageRequest = z.object({
  to: chatJid,
  text: z.string().min(1).max(TEXT_MAX_CHARS),
  mentions: z.array(personJid).max(1024).optional(),
  ephemeralExpiration: ephemeralExpiration.optional(),
});
export const MarkAsReadRequest = z.object({
  chatId: chatJid,
  senderId: personJid,
  receiptType: z.enum(["delivered", "sender", "read", "played"]),
});
export const StarMessageRequest = z.object({
  chatId: chatJid,
  senderId: personJid,
  starred: z.boolean().default(true),
});
export const PinMessageRequest = z.object({
  chatId: chatJid,
  senderId: personJid,
  pinned: z.boolean().default(true),
  pinExpiration: z.enum(["24h", "7d", "30d"]).optional(),
});
export const DeleteMessageRequest = z.object({ chatId: chatJid, senderId: personJid });

export const SetChatPresenceRequest = z.object({ state: z.enum(["typing", "paused", "recording"]) });
export const SetChatEphemeralRequest = z.object({ expiration: ephemeralExpiration });
export const MuteChatRequest = z.object({ duration: z.enum(["8h", "1w", "always", "off"]) });
export const PinChatRequest = z.object({ pinned: z.boolean().default(true) });
export const ArchiveChatRequest = z.object({ archived: z.boolean().default(true) });
export const ChatMarkAsReadRequest = z.object({ read: z.boolean().default(true) });

export const CreateContactRequest = z.object({
  id: z.union([personJid, phoneNumber]),
  fullName: z.string().min(1).max(256),
  firstName: z.string().max(256).optional(),
});

export const UpdateProfileRequest = z.object({
  name: z.string().min(1).max(25).optional(),
  status: z.string().max(139).optional(),
  picture: base64Data.max(SMALL_BODY_MAX_BYTES).optional(),
});
export const SetMyPresenceRequest = z.object({ presence: z.enum(["available", "unavailable"]) });
export const BulkCheckRequest = z.object({ phones: z.array(phoneNumber).min(1).max(500) });

export const CreateGroupRequest = z.object({
  name: z.string().min(1).max(100),
  participants: z.array(personJid).min(1).max(1024),
});
export const UpdateParticipantsRequest = z.object({
  participants: z.array(personJid).min(1).max(1024),
  action: z.enum(["add", "remove", "promote", "demote"]),
});
export const SetGroupNameRequest = z.object({ name: z.string().min(1).max(100) });
export const SetGroupDescriptionRequest = z.object({ description: z.string().max(2048).default("") });
// Optional in WSAPI's schemas: absent means false, as Go decodes it.
export const SetBoolRequest = z.object({ enabled: z.boolean().default(false) });
export const SetMemberAddModeRequest = z.object({ onlyAdminAdd: z.boolean().default(false) });
export const JoinWithLinkRequest = z.object({
  code: z.string().regex(/^[A-Za-z0-9]{6,64}$/, "must be an invite code"),
});
export const GROUP_SETTINGS = ["announce", "locked", "join-approval", "member-add-mode"] as const;
export type GroupSetting = (typeof GROUP_SETTINGS)[number];

export const RejectCallRequest = z.object({ callerId: personJid });
export const callId = z.string().regex(/^[A-Za-z0-9_-]{1,128}$/, "must be a call ID");
export const mediaId = z.string().regex(/^[A-Za-z0-9_-]{1,256}$/, "must be a media ID");
export const MediaDownloadQuery = z.object({ id: mediaId });

export const Identity = z.object({
  id: z.string(),
  lid: z.string().optional(),
  phone: z.string().optional(),
  device: z.number().int().optional(),
});
export type Identity = z.infer<typeof Identity>;

export const SessionStatus = z.object({
  isConnected: z.boolean(),
  isLoggedIn: z.boolean(),
  deviceId: z.string().optional(),
  /** Our extension: WSAPI's fields stay as they are. */
  health: SessionHealth.optional(),
});
export const CodeResponse = z.object({ code: z.string() });
export const CreatedResponse = z.object({ id: z.string() });

const time = z.iso.datetime({ offset: true });

export const ChatListItem = z.object({
  id: z.string(),
  lid: z.string().optional(),
  isGroup: z.boolean(),
  isArchived: z.boolean(),
  isPinned: z.boolean(),
  isMuted: z.boolean(),
  muteEndTime: time.optional(),
  pushName: z.string().optional(),
  businessName: z.string().optional(),
  fullName: z.string().optional(),
  lastActivity: time.optional(),
});
export const ContactInfo = Identity.extend({
  fullName: z.string().optional(),
  firstName: z.string().optional(),
  pushName: z.string().optional(),
  businessName: z.string().optional(),
  inPhoneAddressBook: z.boolean().optional(),
});
export const UserMeInfo = Identity.extend({
  deviceId: z.number().int().optional(),
  pushName: z.string().optional(),
  businessName: z.string().optional(),
  status: z.string().optional(),
  pictureId: z.string().optional(),
  isVerified: z.boolean().optional(),
});
export const UserInfo = Identity.extend({
  isInWhatsApp: z.boolean(),
  status: z.string().optional(),
  pictureId: z.string().optional(),
  pictureUrl: z.string().optional(),
  isVerified: z.boolean().optional(),
});
export const BulkCheckResult = z.object({
  query: z.string(),
  isInWhatsApp: z.boolean(),
  jid: z.string().optional(),
});
export const GroupParticipant = Identity.extend({
  isAdmin: z.boolean(),
  isSuperAdmin: z.boolean(),
  displayName: z.string().optional(),
});
export const GroupInfo = z.object({
  groupId: z.string(),
  owner: Identity.optional(),
  name: z.string(),
  createdAt: time.optional(),
  description: z.string().optional(),
  isAnnounce: z.boolean(),
  isLocked: z.boolean(),
  isEphemeral: z.boolean().optional(),
  ephemeralExpiration: z.number().int().optional(),
  participants: z.array(GroupParticipant),
  /** Set on a group linked to a community: the community's JID. */
  communityId: z.string().optional(),
  /** Set on a group linked to a community: whether it is the community's announcement group. */
  isAnnouncementGroup: z.boolean().optional(),
  isJoinApprovalRequired: z.boolean().optional(),
  memberAddMode: z.string().optional(),
});
export const InviteLinkResponse = z.object({ link: z.string() });
export const CheckUserResponse = z.object({ isInWhatsApp: z.boolean() });

export const inviteCode = z.string().regex(/^[A-Za-z0-9]{6,64}$/, "must be an invite code");
export const DeleteMessageForMeRequest = z.object({
  chatId: chatJid,
  senderId: personJid.optional(),
  isFromMe: z.boolean().optional(),
  timestamp: z.iso.datetime({ offset: true }).optional(),
});
export const SetPictureRequest = z.object({ data: base64Data.min(1).max(SMALL_BODY_MAX_BYTES) });
export const PictureIdResponse = z.object({ pictureId: z.string().optional() });
export const JoinWithInviteRequest = z.object({
  groupId: groupJid,
  inviterId: personJid,
  // The code of an invite message (not a link code): WhatsApp's may hold base64 characters.
  code: z.string().regex(/^[A-Za-z0-9+/=_-]{6,128}$/, "must be an invite code"),
  expiration: z.number().int().optional(),
});
export const GroupParticipantRequest = z.object({ user: Identity, requestedAt: time.optional() });
export const UpdateRequestsRequest = z.object({
  participants: z.array(personJid).min(1).max(1024),
  action: z.enum(["approve", "reject"]),
});

/** WhatsApp's privacy settings and the values each one takes (WSAPI's `setting` names). */
export const PRIVACY_VALUES = {
  groupadd: ["all", "contacts", "contact_blacklist"],
  last: ["all", "contacts", "contact_blacklist", "none"],
  status: ["all", "contacts", "contact_blacklist", "none"],
  profile: ["all", "contacts", "contact_blacklist", "none"],
  readreceipts: ["all", "none"],
  online: ["all", "match_last_seen"],
  calladd: ["all", "known"],
} as const;
export type PrivacySetting = keyof typeof PRIVACY_VALUES;
export const PRIVACY_SETTINGS = Object.keys(PRIVACY_VALUES) as [PrivacySetting, ...PrivacySetting[]];
export const PrivacyValue = z.enum([
  "all",
  "contacts",
  "contact_blacklist",
  "match_last_seen",
  "known",
  "none",
]);
export type PrivacyValue = z.infer<typeof PrivacyValue>;
export const SetPrivacyRequest = z
  .object({ setting: z.enum(PRIVACY_SETTINGS), value: PrivacyValue })
  .refine((body) => (PRIVACY_VALUES[body.setting] as readonly string[]).includes(body.value), {
    error: "this value is not one the setting takes",
    path: ["value"],
  });
/** WSAPI's response names for WhatsApp's privacy settings. */
export const PRIVACY_FIELDS = {
  groupadd: "groupAdd",
  last: "lastSeen",
  status: "status",
  profile: "profile",
  readreceipts: "readReceipts",
  online: "online",
  calladd: "callAdd",
} as const satisfies Record<PrivacySetting, string>;
export const PrivacySettings = z.object({
  groupAdd: z.string().optional(),
  lastSeen: z.string().optional(),
  status: z.string().optional(),
  profile: z.string().optional(),
  readReceipts: z.string().optional(),
  online: z.string().optional(),
  callAdd: z.string().optional(),
});
export type PrivacySettings = z.infer<typeof PrivacySettings>;

export const ChatPicture = z.object({ pictureId: z.string().optional(), pictureUrl: z.string().optional() });
export type ChatPicture = z.infer<typeof ChatPicture>;
export const BusinessProfile = z.object({
  id: z.string().optional(),
  address: z.string().optional(),
  email: z.string().optional(),
  description: z.string().optional(),
  website: z.string().optional(),
  latitude: z.number().optional(),
  longitude: z.number().optional(),
  memberSince: z.string().optional(),
  categories: z.array(z.object({ id: z.string().optional(), name: z.string().optional() })).optional(),
  businessHours: z
    .array(
      z.object({
        dayOfWeek: z.string().optional(),
        mode: z.string().optional(),
        openTime: z.string().optional(),
        closeTime: z.string().optional(),
      }),
    )
    .optional(),
  businessHoursTimeZone: z.string().optional(),
  profileOptions: z.record(z.string(), z.string()).optional(),
});
export type BusinessProfile = z.infer<typeof BusinessProfile>;
export const RequestMessagesRequest = z.object({
  lastMessageId: messageId,
  lastMessageSenderId: z.union([personJid, phoneNumber], { error: "must be a user JID or phone number" }),
  count: z.number().int().min(1).max(500).default(50),
});
/** The 202 body of operations whose result arrives later as events. */
export const AcceptedResponse = z.object({ status: z.string() });

export type ChatListItem = z.infer<typeof ChatListItem>;
export type ContactInfo = z.infer<typeof ContactInfo>;
export type UserMeInfo = z.infer<typeof UserMeInfo>;
export type UserInfo = z.infer<typeof UserInfo>;
export type BulkCheckResult = z.infer<typeof BulkCheckResult>;
export type GroupParticipant = z.infer<typeof GroupParticipant>;
export type GroupInfo = z.infer<typeof GroupInfo>;
export type SessionStatus = z.infer<typeof SessionStatus>;

/**
 * Instance → control plane: `GET|PUT ${controlUrl}/v1/session-state`, authenticated with the
 * instance token. `state` is base64 of a JSON document; base64 of `null` means "no session".
 * GET answers 404 when nothing was ever stored.
 */
export const SESSION_STATE_PATH = "/v1/session-state";
export const SESSION_STATE_MAX_BYTES = 16 * 1024 * 1024;
export const SessionStateBody = z.object({ state: z.string().max(SESSION_STATE_MAX_BYTES) });
export type SessionStateBody = z.infer<typeof SessionStateBody>;
