import { randomUUID } from "node:crypto";
import { LOGOUT_BOUND_MS, type LogoutOutcome } from "../../core/instanceDeletion.js";
import type { Instance } from "../../core/instances.js";
import { type ForwardDeps, forwardToInstance } from "./instanceForward.js";

// Logs a deleted instance's device out through the same path as a customer's POST /session/logout
// (an invoker's ID token plus our token for that one instance), within a bound: a crashed or
// unreachable runtime must not hold the deletion up.
export function deviceLogout(access: ForwardDeps, boundMs = LOGOUT_BOUND_MS) {
  return async (instance: Instance): Promise<LogoutOutcome> => {
    if (instance.runtime.state !== "running" || !instance.runtime.url) return "unreachable";
    let timer: NodeJS.Timeout | undefined;
    const bound = new Promise<undefined>((resolve) => {
      timer = setTimeout(() => resolve(undefined), boundMs);
    });
    try {
      const response = await Promise.race([
        forwardToInstance(access, instance, {
          method: "POST",
          pathAndQuery: "/session/logout",
          requestId: `delete-${randomUUID()}`,
        }),
        bound,
      ]);
      await response?.body?.cancel();
      if (response?.status === 204) return "logged_out";
      // The instance answers 409 NOT_PAIRED when no device is linked.
      return response?.status === 409 ? "not_paired" : "unreachable";
    } catch {
      return "unreachable";
    } finally {
      clearTimeout(timer);
    }
  };
}
