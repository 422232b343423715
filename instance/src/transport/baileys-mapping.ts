// Baileys messages (messages.upsert) → WSAPI events. Pure: type-only imports, no I/O, so it is
// tested with recorded fixtures. Other Baileys events are mapped in baileys-mapping-updates.ts.
import type { proto, WAMessage } from "@whiskeysockets/baileys";
import type { AdReferral, MessageEventData, WhatsAppEvent } from "@wsapi/contracts/events";
import {
  expirationOf,
  identityOf,
  isoFromSeconds,
  type Me,
  meAsSender,
  senderOf,
  toBase64,
  toNumber,
} from "./baileys-jid.js";

export * from "./baileys-mapping-updates.js";

// Values of proto.Message.ProtocolMessage.Type and proto.Message.PinInChatMessage.Type.
const PROTOCOL_REVOKE = 0;
const PROTOCOL_MESSAGE_EDIT = 14;
const PIN_FOR_ALL = 1;

export interface MappingContext {
  me: Me;
  now: Date;
}

/** Message kinds WSAPI has no event type for (location, polls, ...). Reported, never mapped. */
export class UnsupportedMessage {
  constructor(readonly kind: string) {}
}

type Content = proto.IMessage;
type MediaType = NonNullable<MessageEventData["media"]>["mediaType"];

/** Strips the envelopes WhatsApp wraps content in, noting view-once on the way. */
export function unwrapContent(message: Content | null | undefined): { content?: Content; viewOnce: boolean } {
  let content = message ?? undefined;
  let viewOnce = false;
  for (let depth = 0; content && depth < 5; depth += 1) {
    const inner =
      content.ephemeralMessage?.message ??
      content.viewOnceMessage?.message ??
      content.viewOnceMessageV2?.message ??
      content.viewOnceMessageV2Extension?.message ??
      content.documentWithCaptionMessage?.message ??
      content.deviceSentMessage?.message;
    if (!inner) break;
    if (content.viewOnceMessage || content.viewOnceMessageV2 || content.viewOnceMessageV2Extension)
      viewOnce = true;
    content = inner;
  }
  return content ? { content, viewOnce } : { viewOnce };
}

/** Maps one upserted message; undefined for stubs and protocol traffic that is not an event. */
export function mapMessage(
  message: WAMessage,
  ctx: MappingContext,
): WhatsAppEvent | UnsupportedMessage | undefined {
  const { key } = message;
  if (!key.remoteJid || !key.id) return undefined;
  const isStatus = key.remoteJid === "status@broadcast";
  const isGroup = key.remoteJid.endsWith("@g.us");
  const chatId = isGroup || isStatus ? key.remoteJid : identityOf(key.remoteJid, key.remoteJidAlt).id;
  const sender = key.fromMe
    ? meAsSender(ctx.me)
    : isGroup || isStatus
      ? senderOf(ctx.me, key.participant, key.participantAlt)
      : senderOf(ctx.me, key.remoteJid, key.remoteJidAlt);
  const time = isoFromSeconds(message.messageTimestamp, ctx.now);
  const { content, viewOnce } = unwrapContent(message.message);
  if (!content) return undefined;

  const protocol = content.protocolMessage;
  if (protocol) {
    if (protocol.type === PROTOCOL_REVOKE && protocol.key?.id) {
      return {
        eventType: "message_delete",
        eventData: { id: protocol.key.id, sender, chatId, time, isDeletedForAll: true, isStatus },
      };
    }
    if (protocol.type !== PROTOCOL_MESSAGE_EDIT || !protocol.key?.id) return undefined;
    const edited = unwrapContent(protocol.editedMessage).content;
    const text = edited?.conversation ?? edited?.extendedTextMessage?.text ?? edited?.imageMessage?.caption;
    if (text === undefined || text === null) return undefined;
    const base = { id: key.id, time, chatId, sender, isGroup, isStatus };
    return {
      eventType: "message",
      eventData: { ...base, type: "text", text, isEdit: true, edit: { originalMessageId: protocol.key.id } },
    };
  }

  const body = bodyOf(content, key.id);
  if (body instanceof UnsupportedMessage) return body;
  const context = contextOf(content, ctx.me);
  const eventData: MessageEventData = {
    id: key.id,
    time,
    chatId,
    sender,
    isGroup,
    isStatus,
    ...(viewOnce || body.media?.viewOnce ? { viewOnce: true } : {}),
    ...context,
    ...body.fields,
  };
  return { eventType: "message", eventData };
}

type Body = {
  fields: Omit<MessageEventData, "id" | "time" | "chatId" | "sender">;
  media?: { viewOnce: boolean };
};

function bodyOf(content: Content, messageId: string): Body | UnsupportedMessage {
  if (content.reactionMessage) {
    const reaction = content.reactionMessage;
    return {
      fields: {
        type: "reaction",
        reaction: { messageId: reaction.key?.id ?? "", emoji: reaction.text ?? "" },
      },
    };
  }
  if (content.pinInChatMessage) {
    const pin = content.pinInChatMessage;
    return {
      fields: { type: "pinInChat", pin: { pinned: pin.type === PIN_FOR_ALL, messageId: pin.key?.id ?? "" } },
    };
  }
  if (typeof content.conversation === "string")
    return { fields: { type: "text", text: content.conversation } };
  if (content.extendedTextMessage) {
    const ext = content.extendedTextMessage;
    const extendedText = {
      ...(ext.matchedText ? { matchedText: ext.matchedText } : {}),
      ...(ext.title ? { title: ext.title } : {}),
      ...(ext.description ? { description: ext.description } : {}),
      ...(toBase64(ext.jpegThumbnail) ? { jpegThumbnail: toBase64(ext.jpegThumbnail) } : {}),
    };
    const hasPreview = Object.keys(extendedText).length > 0;
    return { fields: { type: "text", text: ext.text ?? "", ...(hasPreview ? { extendedText } : {}) } };
  }
  if (content.contactMessage)
    return { fields: { type: "contact", contact: content.contactMessage.vcard ?? "" } };
  if (content.contactsArrayMessage) {
    const cards = (content.contactsArrayMessage.contacts ?? []).map((card) => card.vcard ?? "");
    return { fields: { type: "contactArray", contactArray: cards } };
  }
  const media = mediaOf(content, messageId);
  if (media) return media;
  const kind = Object.keys(content).find((field) => field.endsWith("Message")) ?? "unknown";
  return new UnsupportedMessage(kind);
}

function mediaOf(content: Content, mediaId: string): Body | undefined {
  const visual = content.imageMessage ?? content.videoMessage ?? content.ptvMessage;
  if (visual) {
    const video = content.imageMessage ? undefined : (visual as proto.Message.IVideoMessage);
    return media(content.imageMessage ? "image" : "video", visual, mediaId, {
      texts: { caption: visual.caption },
      numbers: { height: visual.height, width: visual.width, duration: video?.seconds },
      viewOnce: visual.viewOnce === true,
    });
  }
  if (content.audioMessage) {
    const audio = content.audioMessage;
    return media(audio.ptt ? "voice" : "audio", audio, mediaId, { numbers: { duration: audio.seconds } });
  }
  if (content.documentMessage) {
    const doc = content.documentMessage;
    return media("document", doc, mediaId, {
      texts: { caption: doc.caption, filename: doc.fileName, title: doc.title },
      numbers: { pageCount: doc.pageCount },
    });
  }
  if (content.stickerMessage) {
    const sticker = content.stickerMessage;
    return media("sticker", sticker, mediaId, { numbers: { height: sticker.height, width: sticker.width } });
  }
  return undefined;
}

interface MediaSource {
  mimetype?: string | null;
  fileLength?: unknown;
  jpegThumbnail?: unknown;
}

interface MediaDetails {
  texts?: Record<string, string | null | undefined>;
  numbers?: Record<string, unknown>;
  viewOnce?: boolean;
}

function media(mediaType: MediaType, source: MediaSource, mediaId: string, details: MediaDetails): Body {
  const fields: Record<string, string | number> = {};
  for (const [name, text] of Object.entries(details.texts ?? {})) if (text) fields[name] = text;
  for (const [name, value] of Object.entries(details.numbers ?? {})) {
    const number = toNumber(value);
    if (number !== undefined && number > 0) fields[name] = number;
  }
  const fileLength = toNumber(source.fileLength);
  const thumbnail = toBase64(source.jpegThumbnail);
  return {
    fields: {
      type: "media",
      media: {
        mediaType,
        id: mediaId,
        ...(source.mimetype ? { mimeType: source.mimetype } : {}),
        ...(fileLength !== undefined ? { fileLength } : {}),
        ...(thumbnail ? { jpegThumbnail: thumbnail } : {}),
        ...fields,
      },
    },
    media: { viewOnce: details.viewOnce === true },
  };
}

function contextOf(content: Content, me: Me): Partial<MessageEventData> {
  const inner = Object.values(content).find(
    (value): value is { contextInfo?: proto.IContextInfo | null } =>
      typeof value === "object" && value !== null && "contextInfo" in value,
  );
  const info = inner?.contextInfo;
  if (!info) return {};
  const ephemeral = info.expiration ? expirationOf(info.expiration) : undefined;
  const quotedText =
    info.quotedMessage?.conversation ?? info.quotedMessage?.extendedTextMessage?.text ?? undefined;
  const adReferral = adReferralOf(info);
  return {
    ...(info.mentionedJid?.length ? { mentions: info.mentionedJid } : {}),
    ...(info.isForwarded ? { isForwarded: true } : {}),
    ...(ephemeral ? { ephemeralExpiration: ephemeral } : {}),
    ...(info.stanzaId
      ? {
          replyTo: {
            id: info.stanzaId,
            ...(info.participant ? { sender: senderOf(me, info.participant) } : {}),
            ...(quotedText ? { text: quotedText } : {}),
          },
        }
      : {}),
    ...(adReferral ? { adReferral } : {}),
  };
}

// proto.ContextInfo.ExternalAdReplyInfo.MediaType: 1 image, 2 video (0 none).
const AD_MEDIA_TYPES: Record<number, AdReferral["mediaType"]> = { 1: "image", 2: "video" };

/** The click-to-WhatsApp ad a message came from, its fields passed through as WhatsApp gives them. */
function adReferralOf(info: proto.IContextInfo): AdReferral | undefined {
  const ad = info.externalAdReply;
  if (!ad) return undefined;
  const text = {
    ctwaClid: ad.ctwaClid,
    sourceType: ad.sourceType,
    sourceId: ad.sourceId,
    sourceUrl: ad.sourceUrl,
    sourceApp: ad.sourceApp,
    title: ad.title,
    body: ad.body,
    thumbnailUrl: ad.thumbnailUrl,
    conversionSource: info.conversionSource,
  };
  const mediaType = AD_MEDIA_TYPES[ad.mediaType ?? 0];
  return {
    ...Object.fromEntries(
      Object.entries(text).filter(([, value]) => typeof value === "string" && value !== ""),
    ),
    ...(mediaType ? { mediaType } : {}),
    ...(typeof ad.showAdAttribution === "boolean" ? { showAdAttribution: ad.showAdAttribution } : {}),
  };
}
