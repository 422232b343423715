import {
  type MediaKind,
  SendContactRequest,
  SendDocumentRequest,
  SendLinkRequest,
  SendLocationRequest,
  SendMediaRequest,
  SendStickerRequest,
  SendTextRequest,
} from "@wsapi/contracts/instance-api";
import type { Context, Hono } from "hono";
import type { z } from "zod";
import type { AppDependencies } from "../app.js";
import { requirePaired } from "../http/errors.js";
import { resolveMedia } from "../http/media-input.js";
import { readJsonBody } from "../http/validate.js";
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

export function registerMessageRoutes(app: Hono, deps: AppDependencies): void {
  const { transport, mediaFetcher, logs } = deps;
  const paired = requirePaired(transport);
  const created = async (c: Context, body: SendBody, message: OutgoingMessage) =>
    c.json({ id: await transport.send(body.to, message, sendOptions(body)) }, 201);

  app.post("/messages/text", paired, async (c) => {
    const body = await readJsonBody(c, SendTextRequest);
    return created(c, body, { kind: "text", text: body.text });
  });

  const media = async (c: Context, kind: MediaKind, schema: z.ZodType<MediaBody>) => {
    const body = await readJsonBody(c, schema);
    const { bytes, mimeType } = await resolveMedia(kind, body, mediaFetcher, logs);
    return created(c, body, {
      kind: "media",
      mediaType: kind,
      bytes,
      mimeType,
      ...(body.caption !== undefined ? { caption: body.caption } : {}),
      ...(body.viewOnce !== undefined ? { viewOnce: body.viewOnce } : {}),
      ...(body.filename !== undefined ? { filename: body.filename } : {}),
      ...(body.isAnimated !== undefined ? { isAnimated: body.isAnimated } : {}),
    });
  };
  for (const kind of ["image", "video", "audio", "voice"] as const) {
    app.post(`/messages/${kind}`, paired, (c) => media(c, kind, SendMediaRequest));
  }
  app.post("/messages/document", paired, (c) => media(c, "document", SendDocumentRequest));
  app.post("/messages/sticker", paired, (c) => media(c, "sticker", SendStickerRequest));

  app.post("/messages/contact", paired, async (c) => {
    const body = await readJsonBody(c, SendContactRequest);
    const displayName = body.displayName ?? /^FN:(.+)$/m.exec(body.vcard ?? "")?.[1]?.trim() ?? "Contact";
    const vcard =
      body.vcard ?? `BEGIN:VCARD\nVERSION:3.0\nFN:${displayName.replace(/[\r\n]/g, " ")}\nEND:VCARD`;
    return created(c, body, { kind: "contact", displayName, vcard });
  });

  app.post("/messages/location", paired, async (c) => {
    const { latitude, longitude, name, address, url, ...body } = await readJsonBody(c, SendLocationRequest);
    return created(c, body, { kind: "location", latitude, longitude, name, address, url });
  });

  app.post("/messages/link", paired, async (c) => {
    const body = await readJsonBody(c, SendLinkRequest);
    return created(c, body, {
      kind: "link",
      text: body.text,
      url: body.url,
      ...(body.title !== undefined ? { title: body.title } : {}),
      ...(body.description !== undefined ? { description: body.description } : {}),
      ...(body.jpegThumbnail !== undefined
        ? { jpegThumbnail: Buffer.from(body.jpegThumbnail, "base64") }
        : {}),
    });
  });
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
