// The ids every log line of a request, task or event carries, on the gateway, the control plane and
// the instance alike, so one message can be followed end to end in Cloud Logging
// (jsonPayload.requestId, jsonPayload.instanceId). Held per asynchronous call chain.
import { AsyncLocalStorage } from "node:async_hooks";

export interface LogContext {
  requestId?: string;
  accountId?: string;
  instanceId?: string;
  /** A webhook delivery's id (task handlers). */
  deliveryId?: string;
}

const storage = new AsyncLocalStorage<LogContext>();

/** Runs `fn` with a fresh context holding `fields` (a request, a task). */
export function withLogContext<T>(fields: LogContext, fn: () => T): T {
  return storage.run({ ...fields }, fn);
}

/** Adds what became known later (the instance, once the key is checked) to the current context. */
export function addLogContext(fields: LogContext): void {
  const current = storage.getStore();
  if (current) Object.assign(current, fields);
}

/** The ids of the current request or task; empty outside one. */
export function currentLogContext(): LogContext {
  return storage.getStore() ?? {};
}
