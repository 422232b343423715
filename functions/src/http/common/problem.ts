import { withLogContext } from "@wsapi/contracts/log-context";
import type { Context, Env, Hono } from "hono";
import { ApiError, toProblem } from "../../core/errors.js";
import type { LogEvents } from "../../core/logs.js";

declare module "hono" {
  interface ContextVariableMap {
    requestId: string;
    /** The problem code of an error this app answered (request metrics). */
    problemCode: string;
    /** No route matched (request metrics). */
    unmatched: boolean;
  }
}

export type AppEnv = { Variables: { requestId: string } };

export function problemResponse(error: ApiError, requestId: string): Response {
  return new Response(JSON.stringify(toProblem(error, requestId)), {
    status: error.status,
    headers: { "content-type": "application/problem+json", "x-request-id": requestId, ...error.headers },
  });
}

function requestIdOf(c: Context): string {
  return c.get("requestId") ?? "req_unknown";
}

/** Request ids, one error shape for every failure, and no crash ever reaching the caller. */
// gRPC codes (Firestore, Cloud Tasks) and socket errors that mean "try again", not "we are broken".
const TRANSIENT_GRPC = new Set([4, 8, 10, 14]);
const TRANSIENT_SOCKET = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE"]);

export function isTransient(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return (
    (typeof code === "number" && TRANSIENT_GRPC.has(code)) ||
    (typeof code === "string" && TRANSIENT_SOCKET.has(code))
  );
}

export function installErrorHandling<E extends Env>(app: Hono<E>, logs: LogEvents): void {
  app.use(async (c, next) => {
    const requestId = `req_${crypto.randomUUID().replaceAll("-", "")}`;
    c.set("requestId", requestId);
    await withLogContext({ requestId }, next);
    // Set in place, as Hono's own middlewares do: c.header() would copy the final response each time.
    c.res.headers.set("x-request-id", requestId);
    // "private": Firebase Hosting drops Set-Cookie from any response not marked private, which
    // would lose the dashboard's __session cookie behind the /v1/** rewrite.
    c.res.headers.set("cache-control", "private, no-store");
  });
  app.notFound((c) => {
    c.set("unmatched", true);
    return problemResponse(
      new ApiError("NOT_FOUND", `No route for ${c.req.method} ${c.req.path}.`),
      requestIdOf(c),
    );
  });
  app.onError((error, c) => {
    const requestId = requestIdOf(c);
    if (error instanceof ApiError) {
      c.set("problemCode", error.code);
      logs.requestFailed(requestId, error.status, error.code, c.req.routePath);
      return problemResponse(error, requestId);
    }
    if (isTransient(error)) {
      logs.backendUnavailable(requestId, error);
      return problemResponse(
        new ApiError("UNAVAILABLE", "A backing service is briefly unavailable; try again shortly.", {
          "retry-after": "5",
        }),
        requestId,
      );
    }
    logs.unexpectedError(requestId, error);
    return problemResponse(new ApiError("INTERNAL", "Something went wrong on our side."), requestId);
  });
}
