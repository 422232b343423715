import { mediaId } from "@wsapi/contracts/instance-api";
import type { Hono } from "hono";
import type { AppDependencies } from "../app.js";
import { requirePaired } from "../http/errors.js";
import { ProblemError } from "../http/problem.js";
import { readParam } from "../http/validate.js";

export function registerMediaRoutes(app: Hono, { transport }: AppDependencies): void {
  app.get("/media/download", requirePaired(transport), async (c) => {
    const id = readParam(mediaId, c.req.query("id"), "id");
    const media = await transport.downloadMedia(id);
    if (!media) throw new ProblemError("not-found", "media not found or no longer available");
    const filename = (media.filename ?? `${id}${extensionOf(media.mimeType)}`).replace(/[^\w.-]/g, "_");
    return c.body(new Uint8Array(media.bytes), 200, {
      "content-type": "application/octet-stream",
      "content-disposition": `attachment; filename="${filename}"`,
      "x-media-type": media.mimeType,
      "cache-control": "no-store",
    });
  });
}

function extensionOf(mimeType: string): string {
  const subtype = /^[\w.+-]+\/([\w+-]+)/.exec(mimeType)?.[1];
  return subtype ? `.${subtype.replace(/^x-/, "").split("+")[0]}` : "";
}
