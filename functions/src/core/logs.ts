import { currentLogContext } from "@wsapi/contracts/log-context";
import { redact } from "./redact.js";

// Named log events: every line this system writes goes through one of these.
export type LogSink = (line: string) => void;

type Severity = "DEBUG" | "INFO" | "WARNING" | "ERROR";

export interface Logger {
  event(severity: Severity, name: string, fields?: Record<string, unknown>): void;
}

export function createLogger(sink: LogSink = (line) => process.stdout.write(`${line}\n`)): Logger {
  return {
    event(severity, name, fields = {}) {
      // Cloud Logging reads `severity` and `message` from one-line JSON on stdout; the ids of the
      // request or task this line belongs to come from its log context.
      const record = {
        severity,
        message: name,
        event: name,
        time: new Date().toISOString(),
        ...currentLogContext(),
        ...fields,
      };
      sink(JSON.stringify(redact(record)));
    },
  };
}

export function logEvents(logger: Logger) {
  return {
    accountCreated: (uid: string, via: string) => logger.event("INFO", "account.created", { uid, via }),
    apiKeyRevealed: (uid: string, requestId: string) =>
      logger.event("INFO", "apiKey.revealed", { uid, requestId }),
    apiKeyRotated: (uid: string, requestId: string) =>
      logger.event("INFO", "apiKey.rotated", { uid, requestId }),
    sessionCreated: (uid: string) => logger.event("INFO", "session.created", { uid }),
    sessionRevoked: (uid: string) => logger.event("INFO", "session.revoked", { uid }),
    signupRefused: (reason: string) => logger.event("INFO", "signup.refused", { reason }),
    requestFailed: (requestId: string, status: number, code: string, path: string) =>
      logger.event(status >= 500 ? "ERROR" : "INFO", "request.failed", { requestId, status, code, path }),
    unexpectedError: (requestId: string, error: unknown) =>
      logger.event("ERROR", "request.crashed", {
        requestId,
        errorName: error instanceof Error ? error.name : typeof error,
        errorMessage: error instanceof Error ? error.message : String(error),
      }),
    /** A backing service (Firestore, Cloud Tasks) was unreachable; the caller got 503 + Retry-After. */
    backendUnavailable: (requestId: string, error: unknown) =>
      logger.event("WARNING", "request.backend_unavailable", {
        requestId,
        errorName: error instanceof Error ? error.name : typeof error,
        errorMessage: error instanceof Error ? error.message : String(error),
      }),
    /** Redis (the shared rate-limit store) failed: limits count per function instance until it is back. */
    rateLimitStoreUnavailable: (state: string) =>
      logger.event("WARNING", "ratelimit.store_unavailable", { state }),
    rateLimitStoreRecovered: () => logger.event("INFO", "ratelimit.store_recovered"),
    /** One line per event stream connection: who, how many events it carried, why it ended. */
    eventStreamClosed: (requestId: string, instanceId: string, sent: number, reason: string) =>
      logger.event("INFO", "events.stream_closed", { requestId, instanceId, sent, reason }),
    /** One line per batch from an instance: which events (ids and types only), how many go out. */
    eventsIngested: (events: Array<{ eventId: string; eventType: string }>, deliverable: number) =>
      logger.event("INFO", "events.ingested", {
        eventIds: events.map((event) => event.eventId),
        eventTypes: [...new Set(events.map((event) => event.eventType))],
        deliverable,
      }),
    ciphertextReencrypted: (collection: string, count: number) =>
      logger.event("INFO", "crypto.reencrypted", { collection, count }),
  };
}

export type LogEvents = ReturnType<typeof logEvents>;
