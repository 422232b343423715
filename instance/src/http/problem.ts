// One shape for every error body (RFC 9457 problem details); the codes are @wsapi/contracts/problems'.
import type { Problem } from "@wsapi/contracts/instance-api";
import { INSTANCE_PROBLEMS, type InstanceProblemCode } from "@wsapi/contracts/problems";

export class ProblemError extends Error {
  constructor(
    readonly code: InstanceProblemCode,
    readonly detail: string,
  ) {
    super(detail);
    this.name = "ProblemError";
  }
}

export function problemBody(code: InstanceProblemCode, detail: string): Problem {
  const { status, title } = INSTANCE_PROBLEMS[code];
  return { type: `urn:wsapi:problem:${code}`, title, status, detail };
}

export function problemResponse(
  code: InstanceProblemCode,
  detail: string,
  headers: Record<string, string> = {},
): Response {
  const body = problemBody(code, detail);
  return new Response(JSON.stringify(body), {
    status: body.status,
    headers: { "content-type": "application/problem+json", ...headers },
  });
}
