// WSAPI webhook events: the envelope and the data of each of the 21 event types, plus our own
// extension types. Shared by the instance service (producer) and the events ingest (consumer). Pure zod.
import { z } from "zod";
import { SessionHealthEventData } from "./session-health.js";

export const EVENT_ID_PATTERN = /^evt_\d{13}_[0-9a-f]{16}$/;
export const EVENTS_PATH = "/v1/events";
export const EVENTS_BATCH_MAX = 100;

const time = z.iso.datetime({ offset: true });
const expiration = z.enum(["off", "24h", "7d", "90d"]);

export const EventIdentity = z.object({
  id: z.string(),
  lid: z.string().optional(),
  phone: z.string().optional(),
  device: z.number().int().optional(),
});
export const EventSender = EventIdentity.extend({ isMe: z.boolean() });
export type EventIdentity = z.infer<typeof EventIdentity>;
export type EventSender = z.infer<typeof EventSender>;

/** Click-to-WhatsApp ad attribution: on the first message a contact sends after clicking an ad. */
export const AdReferral = z.object({
  ctwaClid: z.string().optional(),
  sourceType: z.string().optional(),
  sourceId: z.string().optional(),
  sourceUrl: z.string().optional(),
  sourceApp: z.string().optional(),
  title: z.string().optional(),
  body: z.string().optional(),
  mediaType: z.enum(["image", "video"]).optional(),
  thumbnailUrl: z.string().optional(),
  conversionSource: z.string().optional(),
  showAdAttribution: z.boolean().optional(),
});
export type AdReferral = z.infer<typeof AdReferral>;

export const MessageEventData = z.object({
  id: z.string(),
  time,
  chatId: z.string(),
  sender: EventSender,
  isGroup: z.boolean().optional(),
  isStatus: z.boolean().optional(),
  isForwarded: z.boolean().optional(),
  viewOnce: z.boolean().optional(),
  type: z.enum(["text", "media", "reaction", "contact", "contactArray", "pinInChat"]),
  text: z.string().optional(),
  media: z
    .object({
      mediaType: z.enum(["image", "video", "audio", "voice", "document", "sticker"]),
      mimeType: z.string().optional(),
      id: z.string().optional(),
      fileLength: z.number().int().optional(),
      caption: z.string().optional(),
      height: z.number().int().optional(),
      width: z.number().int().optional(),
      jpegThumbnail: z.string().optional(),
      duration: z.number().int().optional(),
      filename: z.string().optional(),
      pageCount: z.number().int().optional(),
      title: z.string().optional(),
    })
    .optional(),
  reaction: z.object({ messageId: z.string(), emoji: z.string() }).optional(),
  contact: z.string().optional(),
  contactArray: z.array(z.string()).optional(),
  extendedText: z
    .object({
      matchedText: z.string().optional(),
      description: z.string().optional(),
      title: z.string().optional(),
      jpegThumbnail: z.string().optional(),
    })
    .optional(),
  mentions: z.array(z.string()).optional(),
  replyTo: z
    .object({
      id: z.string(),
      sender: EventSender.optional(),
      isForwarded: z.boolean().optional(),
      text: z.string().optional(),
    })
    .optional(),
  adReferral: AdReferral.optional(),
  ephemeralExpiration: expiration.optional(),
  isEdit: z.boolean().optional(),
  edit: z.object({ originalMessageTime: time.optional(), originalMessageId: z.string() }).optional(),
  pin: z
    .object({
      pinned: z.boolean(),
      messageId: z.string(),
      expiration: z.enum(["off", "24h", "7d", "30d"]).optional(),
    })
    .optional(),
});
export type MessageEventData = z.infer<typeof MessageEventData>;

export const RECEIPT_TYPES = [
  "delivered",
  "read",
  "played",
  "readSelf",
  "sender",
  "retry",
  "serverError",
  "inactive",
  "historySync",
] as const;

export const MessageReadEventData = z.object({
  chatId: z.string(),
  sender: EventSender,
  messageSender: EventSender.optional(),
  isGroup: z.boolean().optional(),
  messageIds: z.array(z.string()).optional(),
  time,
  receiptType: z.enum(RECEIPT_TYPES),
});
export const MessageDeleteEventData = z.object({
  id: z.string(),
  sender: EventSender,
  chatId: z.string(),
  time,
  isDeletedForAll: z.boolean().optional(),
  isDeletedForMe: z.boolean().optional(),
  isStatus: z.boolean().optional(),
});
export const MessageStarEventData = z.object({
  id: z.string(),
  chatId: z.string(),
  sender: EventSender,
  time,
  isStarred: z.boolean(),
});
export const MessageHistorySyncEventData = z.object({
  chatId: z.string().optional(),
  messages: z.array(MessageEventData).optional(),
});
export const LoggedInEventData = z.object({ deviceId: z.string().optional() });
export const LoggedOutEventData = z.object({ reason: z.string().optional() });
export const LoginErrorEventData = z.object({ id: z.string().optional(), error: z.string().optional() });
export const InitialSyncFinishedEventData = z.object({});
export const ChatSettingEventData = z.object({
  id: z.string(),
  settingType: z.enum(["mute", "pin", "read", "archive", "ephemeral"]),
  mute: z.object({ isMuted: z.boolean(), muteEndTime: time.optional() }).optional(),
  pin: z.object({ isPinned: z.boolean() }).optional(),
  read: z.object({ isRead: z.boolean() }).optional(),
  archive: z.object({ isArchived: z.boolean() }).optional(),
  ephemeral: z.object({ expiration: expiration.optional(), sender: EventSender.optional() }).optional(),
});
export const ChatPresenceEventData = z.object({
  id: z.string(),
  sender: EventSender,
  state: z.enum(["typing", "recording", "paused"]),
});
export const ChatPushNameEventData = z.object({ user: EventIdentity, pushName: z.string() });
export const ChatStatusEventData = z.object({ user: EventIdentity, status: z.string() });
export const ChatPictureEventData = z.object({ id: z.string(), sender: EventSender, pictureId: z.string() });
export const ContactEventData = z.object({
  contact: EventIdentity,
  fullName: z.string(),
  inPhoneAddressBook: z.boolean(),
});
export const GroupEventData = z.object({
  id: z.string(),
  sender: EventSender.optional(),
  timestamp: time.optional(),
  isCommunity: z.boolean().optional(),
  communityId: z.string().optional(),
  isAnnouncementGroup: z.boolean().optional(),
  joinReason: z.string().optional(),
  groupType: z.string().optional(),
  name: z.object({ name: z.string() }).optional(),
  description: z.object({ topic: z.string() }).optional(),
  locked: z.object({ isLocked: z.boolean() }).optional(),
  announce: z.object({ isAnnounce: z.boolean() }).optional(),
  join: z.array(EventIdentity).optional(),
  leave: z.array(EventIdentity).optional(),
  promote: z.array(EventIdentity).optional(),
  demote: z.array(EventIdentity).optional(),
  link: z
    .object({
      type: z.enum(["parent_group", "sub_group", "sibling_group"]),
      groupId: z.string().optional(),
      groupName: z.string().optional(),
      isAnnouncementGroup: z.boolean().optional(),
    })
    .optional(),
  unlink: z
    .object({
      type: z.string().optional(),
      reason: z.enum(["unlink_group", "delete_parent"]).optional(),
      groupId: z.string().optional(),
    })
    .optional(),
  membershipApproval: z.object({ isRequired: z.boolean() }).optional(),
  delete: z.object({ reason: z.string().optional() }).optional(),
  suspended: z.boolean().nullable().optional(),
});
export const NewsletterEventData = z.object({
  id: z.string(),
  action: z.enum(["join", "leave", "mute"]),
  name: z.string().optional(),
  role: z.string().optional(),
  mute: z.string().optional(),
});
export const CallOfferEventData = z.object({
  id: z.string(),
  caller: EventIdentity,
  chatId: z.string(),
  isGroup: z.boolean().optional(),
  time,
  isVideo: z.boolean().optional(),
});
export const CallAcceptEventData = z.object({ id: z.string(), caller: EventIdentity, time });
export const CallTerminateEventData = z.object({
  id: z.string(),
  caller: EventIdentity,
  time,
  reason: z.enum(["rejected", "ended", "unknown"]),
});
export const UserPresenceEventData = z.object({
  user: EventIdentity,
  status: z.enum(["available", "unavailable"]),
  lastSeen: time.optional(),
});

/** The data schema of each of the 21 event types of wsapi-events.yml, then our extensions, keyed by event type. */
export const EVENT_DATA_SCHEMAS = {
  message: MessageEventData,
  message_read: MessageReadEventData,
  message_delete: MessageDeleteEventData,
  message_star: MessageStarEventData,
  message_history_sync: MessageHistorySyncEventData,
  logged_in: LoggedInEventData,
  logged_out: LoggedOutEventData,
  login_error: LoginErrorEventData,
  initial_sync_finished: InitialSyncFinishedEventData,
  chat_setting: ChatSettingEventData,
  chat_presence: ChatPresenceEventData,
  chat_push_name: ChatPushNameEventData,
  chat_status: ChatStatusEventData,
  chat_picture: ChatPictureEventData,
  contact: ContactEventData,
  group: GroupEventData,
  newsletter: NewsletterEventData,
  call_offer: CallOfferEventData,
  call_accept: CallAcceptEventData,
  call_terminate: CallTerminateEventData,
  user_presence: UserPresenceEventData,
  session_health: SessionHealthEventData,
} as const;

export type EventType = keyof typeof EVENT_DATA_SCHEMAS;
export const EVENT_TYPES = Object.keys(EVENT_DATA_SCHEMAS) as [EventType, ...EventType[]];
export const EventType = z.enum(EVENT_TYPES);

/** Event types WSAPI does not have: documented in the README as our extension, filterable like the rest. */
export const EXTENSION_EVENT_TYPES: readonly EventType[] = ["session_health"];

/** Session events are delivered whatever the instance's event filters say. */
export const SESSION_EVENT_TYPES: readonly EventType[] = [
  "logged_in",
  "logged_out",
  "login_error",
  "initial_sync_finished",
];

export type EventDataOf<T extends EventType> = z.infer<(typeof EVENT_DATA_SCHEMAS)[T]>;

/** An event before it gets its envelope: what a WhatsApp transport produces. */
export type WhatsAppEvent = { [T in EventType]: { eventType: T; eventData: EventDataOf<T> } }[EventType];

const envelopeBase = {
  eventId: z.string().regex(EVENT_ID_PATTERN, "must look like evt_<unix-ms>_<16 hex>"),
  instanceId: z.string().min(1).max(128),
  receivedAt: time,
};
const envelopeOf = <T extends EventType>(eventType: T) =>
  z.object({ ...envelopeBase, eventType: z.literal(eventType), eventData: EVENT_DATA_SCHEMAS[eventType] });

/** The webhook envelope; `eventData` is checked against the schema of its `eventType`. */
export type EventEnvelope = {
  [T in EventType]: {
    eventId: string;
    instanceId: string;
    receivedAt: string;
    eventType: T;
    eventData: EventDataOf<T>;
  };
}[EventType];
type EnvelopeOptions = [
  ReturnType<typeof envelopeOf<"message">>,
  ...ReturnType<typeof envelopeOf<EventType>>[],
];
export const EventEnvelope = z.discriminatedUnion(
  "eventType",
  EVENT_TYPES.map((eventType) => envelopeOf(eventType)) as EnvelopeOptions,
) as unknown as z.ZodType<EventEnvelope>;

/** Body of `POST ${controlUrl}/v1/events`, sent by an instance with its own HS256 token. */
export const EventBatch = z.object({ events: z.array(EventEnvelope).min(1).max(EVENTS_BATCH_MAX) });
export type EventBatch = z.infer<typeof EventBatch>;
