import { messageId } from "@wsapi/contracts/instance-api";
import type { Context } from "hono";
import type { AppDependencies } from "../app.js";
import { resolveMedia } from "../http/media-input.js";
import type { OperationHandlers } from "../http/operations.js";
import { readParam } from "../http/validate.js";

interface MediaStatusBody {
  data?: string | undefined;
  url?: string | undefined;
  mimeType?: string | undefined;
  caption?: string | undefined;
}

export function statusHandlers({ transport, mediaFetcher, logs }: AppDependencies) {
  const media = (mediaType: "image" | "video") => async (c: Context, body: MediaStatusBody) => {
    const { bytes, mimeType } = await resolveMedia(mediaType, body, mediaFetcher, logs);
    const id = await transport.statusUpdates.post({
      kind: "media",
      mediaType,
      bytes,
      mimeType,
      ...(body.caption !== undefined ? { caption: body.caption } : {}),
    });
    return c.json({ id }, 201);
  };

  return {
    getStatusPrivacy: async (c) => c.json(await transport.statusUpdates.privacy()),
    postTextStatus: async (c, { text }) =>
      c.json({ id: await transport.statusUpdates.post({ kind: "text", text }) }, 201),
    postImageStatus: media("image"),
    postVideoStatus: media("video"),
    deleteStatus: async (c) => {
      await transport.statusUpdates.revoke(readParam(messageId, c.req.param("messageId"), "messageId"));
      return c.body(null, 204);
    },
  } satisfies Partial<OperationHandlers>;
}
