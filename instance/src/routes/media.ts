import { MediaDownloadQuery } from "@wsapi/contracts/instance-api";
import type { AppDependencies } from "../app.js";
import type { OperationHandlers } from "../http/operations.js";
import { ProblemError } from "../http/problem.js";
import { readParam } from "../http/validate.js";

export function mediaHandlers({ transport }: AppDependencies) {
  return {
    downloadMedia: async (c) => {
      const id = readParam(MediaDownloadQuery.shape.id, c.req.query("id"), "id");
      const media = await transport.downloadMedia(id);
      if (!media) throw new ProblemError("NOT_FOUND", "media not found or no longer available");
      const filename = (media.filename ?? `${id}${extensionOf(media.mimeType)}`).replace(/[^\w.-]/g, "_");
      return c.body(new Uint8Array(media.bytes), 200, {
        "content-type": "application/octet-stream",
        "content-disposition": `attachment; filename="${filename}"`,
        "x-media-type": media.mimeType,
        "cache-control": "no-store",
      });
    },
  } satisfies Partial<OperationHandlers>;
}

function extensionOf(mimeType: string): string {
  const subtype = /^[\w.+-]+\/([\w+-]+)/.exec(mimeType)?.[1];
  return subtype ? `.${subtype.replace(/^x-/, "").split("+")[0]}` : "";
}
