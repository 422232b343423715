import { maskPersonalData } from "@wsapi/contracts/personal-data";

// Redaction for anything that may reach a log line. Field names that can carry secrets or
// message content are dropped whole; key-shaped strings are masked wherever they appear, and so
// are WhatsApp JIDs and phone numbers (@wsapi/contracts/personal-data).
const SECRET_FIELDS =
  /^(password|apikey|api_key|x-api-key|secret|token|idtoken|cookie|authorization|text|caption|body|data|vcard|ciphertext|value|webhookauthvalue|signingsecret|eventsigningsecret)$/i;
const SECRET_PATTERNS: Array<[RegExp, string]> = [
  [/wsk_[0-9A-Za-z]{8,}/g, "wsk_[redacted]"],
  [/whsec_[0-9A-Za-z+/=_-]{8,}/g, "whsec_[redacted]"],
  [/eyJ[0-9A-Za-z_-]{8,}\.[0-9A-Za-z_-]*\.?[0-9A-Za-z_-]*/g, "[redacted-jwt]"],
];

function redactString(value: string): string {
  return maskPersonalData(
    SECRET_PATTERNS.reduce((text, [pattern, mask]) => text.replace(pattern, mask), value),
  );
}

export function redact(value: unknown, depth = 0): unknown {
  if (typeof value === "string") return redactString(value);
  if (depth > 6 || value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) return value.map((item) => redact(item, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    out[key] = SECRET_FIELDS.test(key) ? "[redacted]" : redact(item, depth + 1);
  }
  return out;
}
