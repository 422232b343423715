import { withLogContext } from "@wsapi/contracts/log-context";
// One shape for every error body: the platform's problem details (@wsapi/contracts/problems), with
// the platform's codes and the request id the gateway sent, so one API speaks one dialect.
import { type ErrorCode, problemBody } from "@wsapi/contracts/problems";
import type { Context, MiddlewareHandler } from "hono";

declare module "hono" {
  interface ContextVariableMap {
    requestId: string;
  }
}

export class ProblemError extends Error {
  constructor(
    readonly code: ErrorCode,
    readonly detail: string,
    /** Extra answer headers, e.g. Retry-After. */
    readonly headers: Record<string, string> = {},
  ) {
    super(detail);
    this.name = "ProblemError";
  }
}

const REQUEST_ID = /^[A-Za-z0-9_-]{1,128}$/;

/** Takes the gateway's X-Request-Id (one is made when it is missing or malformed) and echoes it. */
export function requestIds(): MiddlewareHandler {
  return async (c, next) => {
    const sent = c.req.header("x-request-id");
    const requestId = sent && REQUEST_ID.test(sent) ? sent : `req_${crypto.randomUUID().replaceAll("-", "")}`;
    c.set("requestId", requestId);
    await withLogContext({ requestId }, next);
    c.header("x-request-id", requestId);
  };
}

export function problemResponse(
  c: Context,
  code: ErrorCode,
  detail: string,
  headers: Record<string, string> = {},
): Response {
  const body = problemBody(code, detail, c.get("requestId"));
  const retry: Record<string, string> = code === "UNAVAILABLE" ? { "retry-after": "5" } : {};
  return new Response(JSON.stringify(body), {
    status: body.status,
    headers: { "content-type": "application/problem+json", ...retry, ...headers },
  });
}
