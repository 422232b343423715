// Turns a send request's `data` (base64) or `url` into bytes and a MIME type.
import { MEDIA_MAX_BYTES, type MediaKind } from "@wsapi/contracts/instance-api";
import type { InstanceLogs } from "../logs.js";
import { MediaFetchError, type MediaFetcher } from "../net/media-fetcher.js";
import { ProblemError } from "./problem.js";

const DEFAULT_MIME: Record<MediaKind, string> = {
  image: "image/jpeg",
  video: "video/mp4",
  audio: "audio/mpeg",
  voice: "audio/ogg; codecs=opus",
  document: "application/octet-stream",
  sticker: "image/webp",
};

export interface MediaInput {
  data?: string | undefined;
  url?: string | undefined;
  mimeType?: string | undefined;
}

export async function resolveMedia(
  kind: MediaKind,
  input: MediaInput,
  fetcher: MediaFetcher,
  logs: InstanceLogs,
): Promise<{ bytes: Buffer; mimeType: string }> {
  let bytes: Buffer;
  let servedType: string | undefined;
  if (input.data !== undefined) {
    bytes = Buffer.from(input.data, "base64");
  } else {
    try {
      const fetched = await fetcher.fetch(input.url ?? "");
      bytes = fetched.bytes;
      servedType = fetched.contentType;
    } catch (error) {
      if (!(error instanceof MediaFetchError)) throw error;
      logs.mediaFetchRefused(error.message);
      throw new ProblemError("BAD_REQUEST", `url: ${error.message}`);
    }
  }
  if (bytes.length === 0) throw new ProblemError("VALIDATION", "media is empty");
  if (bytes.length > MEDIA_MAX_BYTES)
    throw new ProblemError("PAYLOAD_TOO_LARGE", "media is larger than 50 MB");
  const mimeType = input.mimeType ?? sniffMime(bytes) ?? usableServedType(servedType) ?? DEFAULT_MIME[kind];
  return { bytes, mimeType: kind === "voice" && !input.mimeType ? DEFAULT_MIME.voice : mimeType };
}

function usableServedType(type: string | undefined): string | undefined {
  return type && type !== "application/octet-stream" && /^[\w.+-]+\/[\w.+-]+$/.test(type) ? type : undefined;
}

/** Recognises the common formats by their first bytes ("auto-detected if omitted"). */
export function sniffMime(bytes: Buffer): string | undefined {
  const ascii = (start: number, end: number) => bytes.subarray(start, end).toString("latin1");
  if (bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return "image/jpeg";
  if (ascii(0, 8) === "\x89PNG\r\n\x1a\n") return "image/png";
  if (ascii(0, 4) === "GIF8") return "image/gif";
  if (ascii(0, 4) === "RIFF" && ascii(8, 12) === "WEBP") return "image/webp";
  if (ascii(0, 5) === "%PDF-") return "application/pdf";
  if (ascii(0, 4) === "OggS") return "audio/ogg";
  if (ascii(4, 8) === "ftyp") return "video/mp4";
  if (ascii(0, 3) === "ID3" || (bytes[0] === 0xff && ((bytes[1] ?? 0) & 0xe0) === 0xe0)) return "audio/mpeg";
  return undefined;
}
