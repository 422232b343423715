// Fetches customer-supplied media URLs without letting them reach our network: the URL and every
// resolved address are checked against the one egress policy (@wsapi/contracts/egress), the
// connection is pinned to a checked address (no DNS rebinding), redirects are refused, and size
// and time are bounded.
import { lookup as dnsLookup } from "node:dns/promises";
import type { IncomingMessage } from "node:http";
import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import type { LookupFunction } from "node:net";
import { isIP } from "node:net";
import { addressRefusal, checkEgressUrl, type EgressMode } from "@wsapi/contracts/egress";
import { MEDIA_MAX_BYTES } from "@wsapi/contracts/instance-api";

export interface FetchedMedia {
  bytes: Buffer;
  contentType: string | undefined;
}

export interface MediaFetcher {
  fetch(url: string): Promise<FetchedMedia>;
}

/** The URL cannot be used; the message is safe to show to the customer. */
export class MediaFetchError extends Error {
  override name = "MediaFetchError";
}

export interface MediaFetcherOptions {
  /** "local" only in tests: loopback and private addresses become reachable. */
  mode?: EgressMode;
  maxBytes?: number;
  timeoutMs?: number;
  resolve?: (hostname: string) => Promise<{ address: string; family: number }[]>;
}

export function createMediaFetcher(options: MediaFetcherOptions = {}): MediaFetcher {
  const mode = options.mode ?? "production";
  const maxBytes = options.maxBytes ?? MEDIA_MAX_BYTES;
  const timeoutMs = options.timeoutMs ?? 30_000;
  const resolve =
    options.resolve ?? ((hostname: string) => dnsLookup(hostname, { all: true, verbatim: true }));

  async function checkedAddress(hostname: string): Promise<{ address: string; family: number }> {
    // An IP literal was already checked with the URL.
    if (isIP(hostname) !== 0) return { address: hostname, family: isIP(hostname) };
    let addresses: { address: string; family: number }[];
    try {
      addresses = await resolve(hostname);
    } catch {
      throw new MediaFetchError("media url host does not resolve");
    }
    if (addresses.length === 0) throw new MediaFetchError("media url host does not resolve");
    // Every answer must be public: a mixed answer is how rebinding attacks start.
    for (const { address } of addresses) {
      const refusal = addressRefusal(address, mode);
      if (refusal) throw new MediaFetchError(`media url refused: ${refusal}`);
    }
    return addresses[0]!;
  }

  return {
    async fetch(rawUrl) {
      const check = checkEgressUrl(rawUrl, mode, "media");
      if (!check.ok) {
        throw new MediaFetchError(
          check.forbidden ? `media url refused: ${check.reason}` : `media url: ${check.reason}`,
        );
      }
      const { url } = check;
      const pinned = await checkedAddress(check.hostname);
      const lookup: LookupFunction = (_host, lookupOptions, callback) => {
        if (lookupOptions.all) callback(null, [pinned]);
        else callback(null, pinned.address, pinned.family);
      };
      const request = url.protocol === "https:" ? httpsRequest : httpRequest;
      return new Promise<FetchedMedia>((resolvePromise, reject) => {
        const req = request(
          url,
          {
            method: "GET",
            lookup,
            headers: { "user-agent": "wsapi-instance/1", accept: "*/*" },
            signal: AbortSignal.timeout(timeoutMs),
          },
          (res) => readBody(res, maxBytes).then(resolvePromise, reject),
        );
        req.on("error", (error) =>
          reject(
            error instanceof MediaFetchError ? error : new MediaFetchError("media url could not be fetched"),
          ),
        );
        req.end();
      });
    },
  };
}

async function readBody(res: IncomingMessage, maxBytes: number): Promise<FetchedMedia> {
  const status = res.statusCode ?? 0;
  if (status >= 300 && status < 400) {
    res.destroy();
    throw new MediaFetchError("media url redirected; redirects are not followed");
  }
  if (status < 200 || status >= 300) {
    res.destroy();
    throw new MediaFetchError(`media url answered HTTP ${status}`);
  }
  const declared = Number(res.headers["content-length"] ?? Number.NaN);
  if (Number.isFinite(declared) && declared > maxBytes) {
    res.destroy();
    throw new MediaFetchError(`media is larger than ${maxBytes} bytes`);
  }
  const chunks: Buffer[] = [];
  let total = 0;
  try {
    for await (const chunk of res as AsyncIterable<Buffer>) {
      total += chunk.length;
      if (total > maxBytes) {
        res.destroy();
        throw new MediaFetchError(`media is larger than ${maxBytes} bytes`);
      }
      chunks.push(chunk);
    }
  } catch (error) {
    throw error instanceof MediaFetchError ? error : new MediaFetchError("media url could not be fetched");
  }
  const contentType = res.headers["content-type"];
  return {
    bytes: Buffer.concat(chunks, total),
    contentType: contentType?.split(";")[0]?.trim() || undefined,
  };
}
