import type { MediaKind, SendTextRequest } from "@wsapi/contracts/instance-api";
import type { Context } from "hono";
import type { z } from "zod";
import type { AppDependencies } from "../app.js";
import { resolveMedia } from "../http/media-input.js";
import type { OperationHandlers } from "../http/operations.js";
import { sendReportingStage } from "../sending/stages.js";
import type { OutgoingMessage, SendOptions } from "../transport/port.js";

type SendBody = Omit<z.output<typeof SendTextRequest>, "text">;
type MediaBody = SendBody & {
  data?: string | undefined;
  url?: string | undefined;
  mimeType?: string | undefined;
  caption?: string | undefined;
  viewOnce?: boolean | undefined;
  filename?: string | undefined;
  isAnimated?: boolean | undefined;
};

export function messageHandlers(deps: AppDependencies) {
  const { transport, mediaFetcher, logs, sendQueue, recordStage } = deps;
  // With pacing set, the send is queued and answered at once, exactly as a direct send is.
  const created = async (c: Context, body: SendBody, message: OutgoingMessage) => {
    const acceptedAt = new Date();
    const pacing = c.get("pacing");
    const options = sendOptions(body);
    const id = pacing
      ? await sendQueue.enqueue(body.to, message, options, pacing)
      : await sendReportingStage(transport, recordStage, body.to, message, options);
    recordStage?.(id, "accepted", acceptedAt);
    return c.json({ id }, 201);
  };

  const media = (kind: MediaKind) => async (c: Context, body: MediaBody) => {
    const { bytes, mimeType } = await resolveMedia(kind, body, mediaFetcher, logs);
    return created(c, body, {
      kind: "media",
      mediaType: kind,
      bytes,
      mimeType,
      ...(body.caption !== undefined ? { caption: body.caption } : {}),
      // WhatsApp has no view-once documents: a document's `viewOnce` (WSAPI takes it) is ignored.
      ...(body.viewOnce !== undefined && kind !== "document" ? { viewOnce: body.viewOnce } : {}),
      ...(body.filename !== undefined ? { filename: body.filename } : {}),
      ...(body.isAnimated !== undefined ? { isAnimated: body.isAnimated } : {}),
    });
  };

  return {
    sendText: (c, body) => created(c, body, { kind: "text", text: body.text }),
    sendImage: media("image"),
    sendVideo: media("video"),
    sendAudio: media("audio"),
    sendVoice: media("voice"),
    sendDocument: media("document"),
    sendSticker: media("sticker"),

    sendContact: (c, body) => {
      const displayName = body.displayName ?? /^FN:(.+)$/m.exec(body.vcard ?? "")?.[1]?.trim() ?? "Contact";
      const vcard =
        body.vcard ?? `BEGIN:VCARD\nVERSION:3.0\nFN:${displayName.replace(/[\r\n]/g, " ")}\nEND:VCARD`;
      return created(c, body, { kind: "contact", displayName, vcard });
    },

    sendLocation: (c, { latitude, longitude, name, address, url, ...body }) =>
      created(c, body, { kind: "location", latitude, longitude, name, address, url }),

    sendLink: (c, body) =>
      created(c, body, {
        kind: "link",
        text: body.text,
        url: body.url,
        ...(body.title !== undefined ? { title: body.title } : {}),
        ...(body.description !== undefined ? { description: body.description } : {}),
        ...(body.jpegThumbnail !== undefined
          ? { jpegThumbnail: Buffer.from(body.jpegThumbnail, "base64") }
          : {}),
      }),
  } satisfies Partial<OperationHandlers>;
}

function sendOptions(body: SendBody): SendOptions {
  const options: SendOptions = {};
  if (body.mentions) options.mentions = body.mentions;
  if (body.replyTo) options.replyTo = body.replyTo;
  if (body.replyToSenderId) options.replyToSenderId = body.replyToSenderId;
  if (body.isForwarded !== undefined) options.isForwarded = body.isForwarded;
  if (body.ephemeralExpiration) options.ephemeralExpiration = body.ephemeralExpiration;
  return options;
}
