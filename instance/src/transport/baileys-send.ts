// WSAPI send requests → Baileys message content and options.
import type { AnyMessageContent, MiscMessageGenerationOptions, WAMessageKey } from "@whiskeysockets/baileys";
import { type Me, normalizeJid } from "./baileys-jid.js";
import type { MessageRef, OutgoingMessage, SendOptions } from "./port.js";

const EPHEMERAL_SECONDS = { off: 0, "24h": 86_400, "7d": 604_800, "90d": 7_776_000 } as const;
export const PIN_SECONDS = { "24h": 86_400, "7d": 604_800, "30d": 2_592_000 } as const;

export function ephemeralSeconds(setting: keyof typeof EPHEMERAL_SECONDS): number {
  return EPHEMERAL_SECONDS[setting];
}

export function isMeJid(jid: string | undefined, me: Me): boolean {
  if (!jid) return false;
  const normalized = normalizeJid(jid);
  return normalized === normalizeJid(me.id) || (me.lid !== undefined && normalized === normalizeJid(me.lid));
}

/** The key of an existing message; in groups the participant says whose message it is. */
export function messageKey(ref: MessageRef, me: Me): WAMessageKey {
  const fromMe = isMeJid(ref.senderId, me);
  const inGroup = ref.chatId.endsWith("@g.us");
  return {
    remoteJid: ref.chatId,
    id: ref.messageId,
    fromMe,
    ...(inGroup && ref.senderId && !fromMe ? { participant: ref.senderId } : {}),
  };
}

export function messageContent(message: OutgoingMessage, options: SendOptions): AnyMessageContent {
  const contextInfo = options.isForwarded ? { contextInfo: { isForwarded: true, forwardingScore: 1 } } : {};
  const mentions = options.mentions?.length ? { mentions: options.mentions } : {};
  switch (message.kind) {
    case "text":
      return { text: message.text, ...mentions, ...contextInfo };
    case "link": {
      const text = message.text.includes(message.url) ? message.text : `${message.text}\n${message.url}`;
      const linkPreview = {
        "canonical-url": message.url,
        "matched-text": message.url,
        title: message.title ?? message.url,
        ...(message.description ? { description: message.description } : {}),
        ...(message.jpegThumbnail ? { jpegThumbnail: message.jpegThumbnail } : {}),
      };
      return { text, linkPreview, ...mentions, ...contextInfo };
    }
    case "contact":
      return {
        contacts: {
          displayName: message.displayName,
          contacts: [{ displayName: message.displayName, vcard: message.vcard }],
        },
      };
    case "location":
      return {
        location: {
          degreesLatitude: message.latitude,
          degreesLongitude: message.longitude,
          ...(message.name ? { name: message.name } : {}),
          ...(message.address ? { address: message.address } : {}),
          ...(message.url ? { url: message.url } : {}),
        },
      };
    case "media":
      return mediaContent(message, mentions, contextInfo);
  }
}

function mediaContent(
  message: Extract<OutgoingMessage, { kind: "media" }>,
  mentions: { mentions?: string[] },
  contextInfo: object,
): AnyMessageContent {
  const { bytes, mimeType: mimetype, caption, viewOnce } = message;
  const captioned = caption ? { caption } : {};
  const once = viewOnce ? { viewOnce: true } : {};
  switch (message.mediaType) {
    case "image":
      return { image: bytes, mimetype, ...captioned, ...once, ...mentions, ...contextInfo };
    case "video":
      return { video: bytes, mimetype, ...captioned, ...once, ...mentions, ...contextInfo };
    case "audio":
      return { audio: bytes, mimetype, ptt: false, ...once };
    case "voice":
      return { audio: bytes, mimetype, ptt: true, ...once };
    case "document":
      return {
        document: bytes,
        mimetype,
        fileName: message.filename ?? "document",
        ...captioned,
        ...contextInfo,
      };
    case "sticker":
      return { sticker: bytes, mimetype, isAnimated: message.isAnimated === true };
  }
}

export function generationOptions(to: string, options: SendOptions, me: Me): MiscMessageGenerationOptions {
  const generation: MiscMessageGenerationOptions = {};
  if (options.messageId) generation.messageId = options.messageId;
  if (options.ephemeralExpiration)
    generation.ephemeralExpiration = ephemeralSeconds(options.ephemeralExpiration);
  if (options.replyTo) {
    // Baileys quotes a message it has; a minimal stand-in carries the key WhatsApp needs.
    const key = messageKey({ messageId: options.replyTo, chatId: to, senderId: options.replyToSenderId }, me);
    generation.quoted = { key, message: { conversation: "" } };
  }
  return generation;
}
