// One closed vocabulary of errors and one shape for every error body (RFC 9457 problem details).
import type { Problem } from "../../../functions/src/core/contracts/instance-api.js";

export const PROBLEMS = {
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

export type ProblemCode = keyof typeof PROBLEMS;

export class ProblemError extends Error {
  constructor(
    readonly code: ProblemCode,
    readonly detail: string,
  ) {
    super(detail);
    this.name = "ProblemError";
  }
}

export function problemBody(code: ProblemCode, detail: string): Problem {
  const { status, title } = PROBLEMS[code];
  return { type: `urn:wsapi:problem:${code}`, title, status, detail };
}

export function problemResponse(
  code: ProblemCode,
  detail: string,
  headers: Record<string, string> = {},
): Response {
  const body = problemBody(code, detail);
  return new Response(JSON.stringify(body), {
    status: body.status,
    headers: { "content-type": "application/problem+json", ...headers },
  });
}
