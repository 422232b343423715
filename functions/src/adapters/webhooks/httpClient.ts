import { lookup } from "node:dns/promises";
import { isIP } from "node:net";
import { performance } from "node:perf_hooks";
import { addressRefusal, checkEgressUrl, type EgressMode } from "@wsapi/contracts/egress";
import { Agent, buildConnector, request } from "undici";
import type { WebhookSender } from "../../core/ports/webhooks.js";
import type { AttemptError, HttpOutcome } from "../../core/webhooks/delivery.js";

// The only way webhooks leave: resolves the host itself, refuses the connection if ANY resolved
// address is forbidden, then connects to the address it checked (so DNS cannot change between
// check and connect). Never follows redirects; bounded in time and in how much it reads.
export const WEBHOOK_TIMEOUT_MS = 15_000;
export const MAX_RESPONSE_BYTES = 64 * 1024;

/** A resolver with its own servers (tests point it at a local DNS server). */
interface HostResolver {
  resolve4(hostname: string): Promise<string[]>;
  resolve6(hostname: string): Promise<string[]>;
}

interface WebhookHttpOptions {
  mode: EgressMode;
  /** Defaults to the system resolver (getaddrinfo, which also reads /etc/hosts). */
  resolver?: HostResolver;
  timeoutMs?: number;
  maxResponseBytes?: number;
}

class RefusedAddressError extends Error {
  readonly code = "WSAPI_REFUSED_ADDRESS";
}

class NoAddressError extends Error {
  readonly code = "WSAPI_NO_ADDRESS";
}

const NO_RECORDS = new Set(["ENODATA", "ENOTFOUND", "ENONAME"]);

async function resolveAll(hostname: string, resolver: HostResolver | undefined): Promise<string[]> {
  if (!resolver) {
    const found = await lookup(hostname, { all: true, verbatim: true });
    return found.map((entry) => entry.address);
  }
  const settle = (pending: Promise<string[]>) =>
    pending.catch((error: NodeJS.ErrnoException) => {
      if (error.code && NO_RECORDS.has(error.code)) return [];
      throw error;
    });
  const [v4, v6] = await Promise.all([
    settle(resolver.resolve4(hostname)),
    settle(resolver.resolve6(hostname)),
  ]);
  return [...v4, ...v6];
}

async function checkedAddress(hostname: string, options: WebhookHttpOptions): Promise<string> {
  const addresses = isIP(hostname) ? [hostname] : await resolveAll(hostname, options.resolver);
  if (addresses.length === 0) throw new NoAddressError(`${hostname} has no address`);
  for (const address of addresses) {
    const refusal = addressRefusal(address, options.mode);
    if (refusal) throw new RefusedAddressError(`${hostname} resolves to a ${refusal}`);
  }
  return addresses[0]!;
}

function guardedConnector(options: WebhookHttpOptions, timeoutMs: number): buildConnector.connector {
  const connect = buildConnector({ timeout: timeoutMs });
  return (target, callback) => {
    checkedAddress(target.hostname, options).then(
      (address) =>
        connect(
          {
            ...target,
            hostname: address,
            // TLS still verifies the certificate against the name, not the address.
            ...(isIP(target.hostname) ? {} : { servername: target.hostname }),
          },
          callback,
        ),
      (error: Error) => callback(error, null),
    );
  };
}

const TIMEOUT_CODES = new Set([
  "UND_ERR_CONNECT_TIMEOUT",
  "UND_ERR_HEADERS_TIMEOUT",
  "UND_ERR_BODY_TIMEOUT",
  "UND_ERR_ABORTED",
  "ETIMEDOUT",
]);

function classifyError(error: unknown): { error: AttemptError; detail: string } {
  const seen = error as { name?: string; code?: string; message?: string; cause?: unknown };
  const cause = (seen.cause ?? {}) as { code?: string; name?: string };
  const code = seen.code ?? cause.code ?? seen.name ?? "unknown";
  if (seen instanceof RefusedAddressError || cause instanceof RefusedAddressError) {
    return { error: "forbidden_address", detail: (seen.message ?? "").slice(0, 200) };
  }
  const name = seen.name ?? "";
  if (name === "TimeoutError" || name === "AbortError" || TIMEOUT_CODES.has(code)) {
    return { error: "timeout", detail: "no complete answer within 15 s" };
  }
  if (code === "WSAPI_NO_ADDRESS" || /^(ENOTFOUND|EAI_|ENODATA|ESERVFAIL|ECONNREFUSED_DNS)/.test(code)) {
    return { error: "dns_failure", detail: code };
  }
  if (code === "ECONNREFUSED") return { error: "connection_refused", detail: code };
  if (code === "ECONNRESET" || code === "EPIPE" || code === "UND_ERR_SOCKET") {
    return { error: "connection_reset", detail: code };
  }
  if (/^(ERR_TLS|ERR_SSL|CERT_|UNABLE_TO|DEPTH_ZERO|SELF_SIGNED)/.test(code)) {
    return { error: "tls_error", detail: code };
  }
  return { error: "network_error", detail: code.slice(0, 100) };
}

/** Reads at most `limit` bytes and drops the rest; a receiver cannot make us hold more. */
async function drainCapped(body: AsyncIterable<Buffer> & { destroy(): void }, limit: number) {
  let read = 0;
  try {
    for await (const chunk of body) {
      read += chunk.length;
      if (read >= limit) break;
    }
  } catch {
    // The status is already known; a body that fails or stalls does not change the outcome.
  } finally {
    body.destroy();
  }
  return Math.min(read, limit);
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

export function createWebhookHttpClient(
  options: WebhookHttpOptions,
): WebhookSender & { close(): Promise<void> } {
  const timeoutMs = options.timeoutMs ?? WEBHOOK_TIMEOUT_MS;
  const maxBytes = options.maxResponseBytes ?? MAX_RESPONSE_BYTES;
  const agent = new Agent({
    connect: guardedConnector(options, timeoutMs),
    headersTimeout: timeoutMs,
    bodyTimeout: timeoutMs,
    keepAliveTimeout: 4_000,
    connections: 16,
  });
  return {
    async post(url, body, headers): Promise<HttpOutcome> {
      const started = performance.now();
      const elapsed = () => performance.now() - started;
      const check = checkEgressUrl(url, options.mode, "webhook");
      if (!check.ok) {
        const error = check.forbidden ? "forbidden_address" : "invalid_url";
        return { kind: "error", error, detail: check.reason, durationMs: 0 };
      }
      try {
        const response = await request(check.url, {
          method: "POST",
          headers,
          body,
          dispatcher: agent,
          signal: AbortSignal.timeout(timeoutMs),
        });
        const responseBytes = await drainCapped(response.body, maxBytes);
        return {
          kind: "response",
          status: response.statusCode,
          retryAfter: headerValue(response.headers["retry-after"]),
          durationMs: elapsed(),
          responseBytes,
        };
      } catch (error) {
        return { kind: "error", ...classifyError(error), durationMs: elapsed() };
      }
    },
    close: () => agent.close(),
  };
}
