import { Agent, request } from "undici";
import type { InstanceAnswer } from "../http/common/instanceForward.js";

// Keep-alive connections to instance services; connection failures mean "unreachable" (503).
const UNREACHABLE = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ENOTFOUND",
  "EHOSTUNREACH",
  "UND_ERR_SOCKET",
  "UND_ERR_CONNECT_TIMEOUT",
]);

export function instanceForwarder(timeoutMs = 60_000) {
  const agent = new Agent({ keepAliveTimeout: 30_000, connections: 64, connectTimeout: 5_000 });
  return async (
    url: string,
    init: { method: string; headers: Record<string, string>; body?: Uint8Array },
  ): Promise<InstanceAnswer | undefined> => {
    try {
      const response = await request(url, {
        method: init.method as "GET",
        headers: init.headers,
        ...(init.body ? { body: init.body } : {}),
        dispatcher: agent,
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
      });
      const body = response.statusCode === 204 ? null : Buffer.from(await response.body.arrayBuffer());
      return { status: response.statusCode, headers: response.headers, body };
    } catch (error) {
      const code = (error as { code?: string }).code ?? "";
      if (UNREACHABLE.has(code)) return undefined;
      throw error;
    }
  };
}
