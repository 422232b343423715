// The two closed vocabularies of problem codes, each with its HTTP status and title: the gateway's
// (every platform answer, `code` in the problem body) and the instance service's (passed through
// the gateway unchanged, `type` urn:wsapi:problem:<code>).

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
  CONFLICT: 409,
  NOT_PAIRED: 409,
  LIMIT_REACHED: 409,
  IDEMPOTENCY_KEY_IN_PROGRESS: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  IDEMPOTENCY_KEY_REUSED: 422,
  RATE_LIMITED: 429,
  INTERNAL: 500,
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
  CONFLICT: "Conflict",
  NOT_PAIRED: "Device not paired",
  LIMIT_REACHED: "Plan limit reached",
  IDEMPOTENCY_KEY_IN_PROGRESS: "Request with this Idempotency-Key in progress",
  PAYLOAD_TOO_LARGE: "Payload too large",
  UNSUPPORTED_MEDIA_TYPE: "Unsupported media type",
  IDEMPOTENCY_KEY_REUSED: "Idempotency-Key reused",
  RATE_LIMITED: "Too many requests",
  INTERNAL: "Internal error",
  UNAVAILABLE: "Service unavailable",
};

export const INSTANCE_PROBLEMS = {
  "bad-request": { status: 400, title: "Bad request" },
  unauthorized: { status: 401, title: "Unauthorized" },
  forbidden: { status: 403, title: "Forbidden" },
  "not-found": { status: 404, title: "Not found" },
  "device-not-paired": { status: 409, title: "Device not paired" },
  "already-paired": { status: 409, title: "Device already paired" },
  "payload-too-large": { status: 413, title: "Payload too large" },
  internal: { status: 500, title: "Internal error" },
  "not-implemented": { status: 501, title: "Not implemented" },
  unavailable: { status: 503, title: "Instance not available" },
} as const satisfies Record<string, { status: number; title: string }>;

export type InstanceProblemCode = keyof typeof INSTANCE_PROBLEMS;
