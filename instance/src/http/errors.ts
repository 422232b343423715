import type { InstanceProblemCode } from "@wsapi/contracts/problems";
import type { Context, ErrorHandler, MiddlewareHandler } from "hono";
import { HTTPException } from "hono/http-exception";
import type { InstanceLogs } from "../logs.js";
import { TransportError, type TransportErrorKind, type WhatsAppTransport } from "../transport/port.js";
import { ProblemError, problemResponse } from "./problem.js";

const TRANSPORT_PROBLEMS: Record<TransportErrorKind, InstanceProblemCode> = {
  not_paired: "device-not-paired",
  not_connected: "unavailable",
  already_paired: "already-paired",
  not_found: "not-found",
  forbidden: "forbidden",
  rejected: "bad-request",
  unsupported: "not-implemented",
};

/** The one place that shapes error bodies; anything unexpected is a 500 without details. */
export function problemErrorHandler(logs: InstanceLogs): ErrorHandler {
  return (error: Error, c: Context) => {
    if (error instanceof ProblemError) return problemResponse(error.code, error.detail);
    if (error instanceof TransportError)
      return problemResponse(TRANSPORT_PROBLEMS[error.kind], error.message);
    if (error instanceof HTTPException && error.status < 500) {
      return problemResponse(error.status === 413 ? "payload-too-large" : "bad-request", "request rejected");
    }
    logs.requestFailed(c.req.method, c.req.path, error.name);
    return problemResponse("internal", "internal error");
  };
}

/** Routes that need WhatsApp answer 409 until a device is paired, 503 while it reconnects. */
export function requirePaired(transport: WhatsAppTransport): MiddlewareHandler {
  return async (_c, next) => {
    const status = transport.status();
    if (!status.isLoggedIn)
      throw new ProblemError("device-not-paired", "device not paired; pair it by QR or pair code first");
    if (!status.isConnected)
      throw new ProblemError("unavailable", "instance is reconnecting to WhatsApp; retry shortly");
    await next();
  };
}
