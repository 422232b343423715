// The one closed vocabulary of problem codes, with each code's HTTP status and title, and the one
// problem body (RFC 9457) that the gateway, the control plane and the instance service all answer.
import { z } from "zod";

export const ERROR_STATUS = {
  BAD_REQUEST: 400,
  VALIDATION: 400,
  MISSING_INSTANCE_ID: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  CSRF: 403,
  EMAIL_NOT_VERIFIED: 403,
  NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  NOT_ACCEPTABLE: 406,
  CONFLICT: 409,
  NOT_PAIRED: 409,
  ALREADY_PAIRED: 409,
  LIMIT_REACHED: 409,
  IDEMPOTENCY_KEY_IN_PROGRESS: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  IDEMPOTENCY_KEY_REUSED: 422,
  RATE_LIMITED: 429,
  NEW_CONTACT_LIMIT: 429,
  SEND_QUEUE_FULL: 429,
  INTERNAL: 500,
  NOT_IMPLEMENTED: 501,
  UNAVAILABLE: 503,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

export const ERROR_TITLES: Record<ErrorCode, string> = {
  BAD_REQUEST: "Bad request",
  VALIDATION: "Invalid request",
  MISSING_INSTANCE_ID: "Missing instance id",
  UNAUTHENTICATED: "Unauthenticated",
  FORBIDDEN: "Forbidden",
  CSRF: "CSRF token missing or invalid",
  EMAIL_NOT_VERIFIED: "Email address not verified",
  NOT_FOUND: "Not found",
  METHOD_NOT_ALLOWED: "Method not allowed",
  NOT_ACCEPTABLE: "Not acceptable",
  CONFLICT: "Conflict",
  NOT_PAIRED: "Device not paired",
  ALREADY_PAIRED: "Device already paired",
  LIMIT_REACHED: "Plan limit reached",
  IDEMPOTENCY_KEY_IN_PROGRESS: "Request with this Idempotency-Key in progress",
  PAYLOAD_TOO_LARGE: "Payload too large",
  UNSUPPORTED_MEDIA_TYPE: "Unsupported media type",
  IDEMPOTENCY_KEY_REUSED: "Idempotency-Key reused",
  RATE_LIMITED: "Too many requests",
  NEW_CONTACT_LIMIT: "New-contact limit reached",
  SEND_QUEUE_FULL: "Send queue full",
  INTERNAL: "Internal error",
  NOT_IMPLEMENTED: "Not implemented",
  UNAVAILABLE: "Service unavailable",
};

export const Problem = z.object({
  type: z.string(),
  title: z.string(),
  status: z.number().int(),
  detail: z.string(),
  code: z.enum(Object.keys(ERROR_STATUS) as [ErrorCode, ...ErrorCode[]]),
  requestId: z.string().optional(),
});
export type Problem = z.infer<typeof Problem>;

/** The body of every error answer; `detail` must be safe to show (no secrets, no message content). */
export function problemBody(code: ErrorCode, detail: string, requestId?: string): Problem {
  return {
    type: `https://wsapi.dev/problems/${code.toLowerCase().replaceAll("_", "-")}`,
    title: ERROR_TITLES[code],
    status: ERROR_STATUS[code],
    detail,
    code,
    ...(requestId ? { requestId } : {}),
  };
}
