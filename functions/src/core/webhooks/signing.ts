import { createHmac, randomBytes } from "node:crypto";

// Webhook signatures. Every POST carries both schemes:
// - Standard Webhooks: HMAC-SHA256 over "<webhook-id>.<webhook-timestamp>.<body>", base64, as
//   "v1,<sig>"; the key is the base64 part of a "whsec_…" secret, or the UTF-8 bytes of any other
//   secret the customer chose (verify those with the library's `format: "raw"`).
// - WSAPI: "sha256=<hex HMAC-SHA256 of the raw body>" keyed with the secret string as configured.
// During a rotation grace period each header lists one signature per secret, newest first
// (space-separated per Standard Webhooks, comma-separated as an HTTP list for WSAPI's header).
const SECRET_PREFIX = "whsec_";
const WHSEC = /^whsec_([A-Za-z0-9+/]+={0,2})$/;

export function generateSigningSecret(): string {
  return `${SECRET_PREFIX}${randomBytes(32).toString("base64")}`;
}

export function standardWebhooksKey(secret: string): Buffer {
  const base64 = WHSEC.exec(secret)?.[1];
  if (base64) {
    const key = Buffer.from(base64, "base64");
    // Only a canonical encoding counts as base64; anything else is used as raw bytes.
    if (key.length > 0 && key.toString("base64") === base64) return key;
  }
  return Buffer.from(secret, "utf8");
}

function standardWebhooksSignature(secret: string, id: string, timestamp: number, body: string) {
  const mac = createHmac("sha256", standardWebhooksKey(secret)).update(`${id}.${timestamp}.${body}`);
  return `v1,${mac.digest("base64")}`;
}

function wsapiSignature(secret: string, body: string): string {
  return `sha256=${createHmac("sha256", Buffer.from(secret, "utf8")).update(body).digest("hex")}`;
}

/** Headers a customer's auth header may not replace. */
const RESERVED_HEADERS = new Set([
  "host",
  "content-type",
  "content-length",
  "transfer-encoding",
  "connection",
  "user-agent",
  "webhook-id",
  "webhook-timestamp",
  "webhook-signature",
  "x-webhook-signature",
  "x-instance-id",
]);

interface SignedRequest {
  webhookId: string;
  /** Unix seconds of this attempt (receivers reject old timestamps, so it is fresh per attempt). */
  timestamp: number;
  body: string;
  instanceId: string;
  /** Current secret first, then the previous one while its grace period lasts. */
  secrets: readonly string[];
  auth?: { header: string; value: string } | undefined;
}

export function webhookHeaders(request: SignedRequest): Record<string, string> {
  if (request.secrets.length === 0) throw new Error("a webhook is never sent unsigned");
  const { webhookId, timestamp, body } = request;
  const headers: Record<string, string> = {
    "content-type": "application/json",
    "user-agent": "WSAPI-Webhooks/1.0",
    "webhook-id": webhookId,
    "webhook-timestamp": String(timestamp),
    "webhook-signature": request.secrets
      .map((secret) => standardWebhooksSignature(secret, webhookId, timestamp, body))
      .join(" "),
    "x-webhook-signature": request.secrets.map((secret) => wsapiSignature(secret, body)).join(", "),
    "x-instance-id": request.instanceId,
  };
  const auth = request.auth;
  if (auth && !RESERVED_HEADERS.has(auth.header.toLowerCase())) headers[auth.header] = auth.value;
  return headers;
}
