import type { ErrorCode } from "@wsapi/contracts/problems";
import type { Context, ErrorHandler, MiddlewareHandler } from "hono";
import { HTTPException } from "hono/http-exception";
import type { InstanceLogs } from "../logs.js";
import { TransportError, type TransportErrorKind, type WhatsAppTransport } from "../transport/port.js";
import { ProblemError, problemResponse } from "./problem.js";

const TRANSPORT_PROBLEMS: Record<TransportErrorKind, ErrorCode> = {
  not_paired: "NOT_PAIRED",
  not_connected: "UNAVAILABLE",
  already_paired: "ALREADY_PAIRED",
  not_found: "NOT_FOUND",
  forbidden: "FORBIDDEN",
  rejected: "BAD_REQUEST",
  unsupported: "NOT_IMPLEMENTED",
};

/** The one place that shapes error bodies; anything unexpected is a 500 without details. */
export function problemErrorHandler(logs: InstanceLogs): ErrorHandler {
  return (error: Error, c: Context) => {
    if (error instanceof ProblemError) return problemResponse(c, error.code, error.detail, error.headers);
    if (error instanceof TransportError)
      return problemResponse(c, TRANSPORT_PROBLEMS[error.kind], error.message);
    if (error instanceof HTTPException && error.status < 500) {
      return problemResponse(
        c,
        error.status === 413 ? "PAYLOAD_TOO_LARGE" : "BAD_REQUEST",
        "request rejected",
      );
    }
    logs.requestFailed(c.req.method, c.req.path, error.name);
    return problemResponse(c, "INTERNAL", "internal error");
  };
}

/** Routes that need WhatsApp answer 409 until a device is paired, 503 while it reconnects. */
export function requirePaired(transport: WhatsAppTransport): MiddlewareHandler {
  return async (_c, next) => {
    const status = transport.status();
    if (!status.isLoggedIn)
      throw new ProblemError("NOT_PAIRED", "device not paired; pair it by QR or pair code first");
    if (!status.isConnected)
      throw new ProblemError("UNAVAILABLE", "instance is reconnecting to WhatsApp; retry shortly");
    await next();
  };
}
