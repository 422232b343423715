// Errors from the Cloud Run and Secret Manager clients, reshaped to say what was attempted.
// The original error is not kept as `cause`: a server may echo request bodies back in details.

/** google.rpc.Code, indexed by number. */
const CODE_NAMES = [
  "OK",
  "CANCELLED",
  "UNKNOWN",
  "INVALID_ARGUMENT",
  "DEADLINE_EXCEEDED",
  "NOT_FOUND",
  "ALREADY_EXISTS",
  "PERMISSION_DENIED",
  "RESOURCE_EXHAUSTED",
  "FAILED_PRECONDITION",
  "ABORTED",
  "OUT_OF_RANGE",
  "UNIMPLEMENTED",
  "INTERNAL",
  "UNAVAILABLE",
  "DATA_LOSS",
  "UNAUTHENTICATED",
] as const;

export const INVALID_ARGUMENT = 3;
export const DEADLINE_EXCEEDED = 4;
export const NOT_FOUND = 5;
export const ALREADY_EXISTS = 6;
export const FAILED_PRECONDITION = 9;
export const UNAVAILABLE = 14;

/** The google.rpc.Code number of a status name as REST error bodies carry it ("NOT_FOUND"). */
export function codeOfStatus(status: unknown): number | undefined {
  const index = CODE_NAMES.indexOf(status as (typeof CODE_NAMES)[number]);
  return index < 0 ? undefined : index;
}

export function grpcCode(error: unknown): number | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "number" ? code : undefined;
}

export class CloudRuntimeError extends Error {
  constructor(
    message: string,
    readonly code?: number,
    readonly operation?: string,
  ) {
    super(message);
    this.name = "CloudRuntimeError";
  }
}

function redactValues(text: string, secrets: readonly string[]): string {
  let redacted = text;
  for (const secret of secrets) {
    if (!secret) continue;
    const encoded = Buffer.from(secret, "utf8");
    for (const form of [secret, encoded.toString("base64"), encoded.toString("base64url")]) {
      redacted = redacted.split(form).join("[redacted]");
    }
  }
  return redacted;
}

interface ApiErrorContext {
  /** Values that must never appear in the message, in plain or base64 form. */
  secrets?: readonly string[];
  operation?: string;
}

export function apiError(action: string, error: unknown, context: ApiErrorContext = {}): CloudRuntimeError {
  const code = grpcCode(error);
  const codeName = code === undefined ? "ERROR" : (CODE_NAMES[code] ?? `CODE_${code}`);
  const raw = error instanceof Error ? error.message : String(error);
  const where = context.operation ? ` (operation ${context.operation})` : "";
  const message = redactValues(`${action} failed${where}: ${codeName} ${raw}`, context.secrets ?? []);
  return new CloudRuntimeError(message, code, context.operation);
}
