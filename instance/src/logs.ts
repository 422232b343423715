import { currentLogContext } from "@wsapi/contracts/log-context";
import { maskPersonalData } from "@wsapi/contracts/personal-data";

// Named log events, one JSON line each (Cloud Logging reads `severity` and `message`).
// Only metadata goes in: never message content, media, tokens, secrets or session state; and no
// phone number or JID, whichever field or transport text carries one (masked in every string).

type Severity = "DEBUG" | "INFO" | "WARNING" | "ERROR";
export type LogSink = (line: string) => void;

export interface InstanceLogs {
  started(fields: Record<string, unknown>): void;
  stopping(signal: string): void;
  requestFailed(method: string, path: string, errorName: string): void;
  tokenRejected(reason: string): void;
  transportConnected(loggedIn: boolean): void;
  transportDisconnected(reason: string, retryInMs: number): void;
  /** The device's JID names the phone number: it is not logged. */
  pairingSucceeded(): void;
  loggedOut(reason: string): void;
  sessionHealthChanged(state: string, previousState: string, reason: string | undefined): void;
  eventsDelivered(count: number, pending: number): void;
  eventsDeliveryFailed(reason: string, pending: number, retryInMs: number): void;
  eventsRejected(count: number, status: number): void;
  eventsDropped(count: number, reason: string): void;
  eventsDuplicateSkipped(eventType: string): void;
  stagesDeliveryFailed(reason: string, pending: number, retryInMs: number): void;
  stagesDropped(count: number, reason: string): void;
  spoolRecordsUnreadable(count: number): void;
  sendQueueUnreadable(count: number): void;
  sendQueueRefused(code: string): void;
  sendQueueSettled(outcome: "sent" | "failed", depth: number): void;
  /** `retryInMs` undefined: given up. */
  sendQueueFailed(reason: string, retryInMs: number | undefined): void;
  sendQueueCancelled(count: number): void;
  sessionStateFailed(operation: "load" | "save", reason: string, retryInMs: number): void;
  mediaFetchRefused(reason: string): void;
  unsupportedMessage(kind: string): void;
  transportWarning(message: string): void;
}

export function createLogs(context: Record<string, unknown>, sink: LogSink = defaultSink): InstanceLogs {
  const log = (severity: Severity, message: string, fields: Record<string, unknown> = {}) =>
    sink(
      JSON.stringify(
        { severity, message, time: new Date().toISOString(), ...context, ...currentLogContext(), ...fields },
        (_key, value) => (typeof value === "string" ? maskPersonalData(value) : value),
      ),
    );
  return {
    started: (fields) => log("INFO", "instance.started", fields),
    stopping: (signal) => log("INFO", "instance.stopping", { signal }),
    requestFailed: (method, path, errorName) =>
      log("ERROR", "http.request_failed", { method, path: redactPath(path), errorName }),
    tokenRejected: (reason) => log("WARNING", "auth.token_rejected", { reason }),
    transportConnected: (loggedIn) => log("INFO", "transport.connected", { loggedIn }),
    transportDisconnected: (reason, retryInMs) =>
      log("WARNING", "transport.disconnected", { reason, retryInMs }),
    pairingSucceeded: () => log("INFO", "session.paired"),
    loggedOut: (reason) => log("INFO", "session.logged_out", { reason }),
    sessionHealthChanged: (state, previousState, reason) =>
      log(state === "healthy" ? "INFO" : "WARNING", "session.health_changed", {
        state,
        previousState,
        ...(reason ? { reason } : {}),
      }),
    eventsDelivered: (count, pending) => log("DEBUG", "events.delivered", { count, pending }),
    eventsDeliveryFailed: (reason, pending, retryInMs) =>
      log("WARNING", "events.delivery_failed", { reason, pending, retryInMs }),
    eventsRejected: (count, status) => log("ERROR", "events.rejected", { count, status }),
    eventsDropped: (count, reason) => log("ERROR", "events.dropped", { count, reason }),
    eventsDuplicateSkipped: (eventType) => log("DEBUG", "events.duplicate_skipped", { eventType }),
    stagesDeliveryFailed: (reason, pending, retryInMs) =>
      log("WARNING", "stages.delivery_failed", { reason, pending, retryInMs }),
    stagesDropped: (count, reason) => log("WARNING", "stages.dropped", { count, reason }),
    spoolRecordsUnreadable: (count) => log("ERROR", "events.spool_unreadable", { count }),
    sendQueueUnreadable: (count) => log("ERROR", "send_queue.spool_unreadable", { count }),
    sendQueueRefused: (code) => log("WARNING", "send_queue.refused", { code }),
    sendQueueSettled: (outcome, depth) => log("DEBUG", "send_queue.settled", { outcome, depth }),
    sendQueueFailed: (reason, retryInMs) =>
      log(retryInMs === undefined ? "ERROR" : "WARNING", "send_queue.failed", {
        reason,
        ...(retryInMs === undefined ? { gaveUp: true } : { retryInMs }),
      }),
    sendQueueCancelled: (count) => log("INFO", "send_queue.cancelled", { count }),
    sessionStateFailed: (operation, reason, retryInMs) =>
      log("WARNING", "session_state.failed", { operation, reason, retryInMs }),
    mediaFetchRefused: (reason) => log("WARNING", "media.fetch_refused", { reason }),
    unsupportedMessage: (kind) => log("DEBUG", "transport.unsupported_message", { kind }),
    transportWarning: (message) => log("WARNING", "transport.warning", { detail: message }),
  };
}

/** Path parameters can be phone numbers or JIDs; keep the route shape only. */
function redactPath(path: string): string {
  return path
    .split("/")
    .map((segment) => (/\d{5,}|@/.test(segment) ? ":id" : segment))
    .join("/");
}

function defaultSink(line: string): void {
  process.stdout.write(`${line}\n`);
}

export const silentLogs: InstanceLogs = createLogs({}, () => {});
