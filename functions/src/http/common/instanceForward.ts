import { ApiError } from "../../core/errors.js";
import type { Instance } from "../../core/instances.js";

// Forwarding one request to an instance's private URL with a token minted for that instance alone.
// Shared by the gateway (API keys) and the dashboard (pairing screens, cookie sessions).
export interface ForwardDeps {
  signToken: (runtimeId: string) => Promise<string>;
  /** Sends the request; undefined means the instance is unreachable. */
  forward: (
    url: string,
    init: { method: string; headers: Record<string, string>; body?: Uint8Array },
  ) => Promise<Response | undefined>;
  forgetInstance?: (accountId: string, instanceId: string) => void;
}

// Headers passed back from the instance; everything else (hop-by-hop, server details) stays behind.
const RESPONSE_HEADERS = ["content-type", "content-length", "content-disposition", "retry-after"];

export function requireRunning(
  instance: Instance,
): asserts instance is Instance & { runtime: { url: string } } {
  if (instance.runtime.state !== "running" || !instance.runtime.url) {
    throw new ApiError("UNAVAILABLE", `The instance is ${instance.runtime.state}; try again shortly.`, {
      "retry-after": "5",
    });
  }
}

export async function forwardToInstance(
  deps: ForwardDeps,
  instance: Instance,
  request: { method: string; pathAndQuery: string; requestId: string; body?: Uint8Array },
): Promise<Response> {
  requireRunning(instance);
  const headers: Record<string, string> = {
    authorization: `Bearer ${await deps.signToken(instance.runtimeId)}`,
    "x-request-id": request.requestId,
  };
  if (request.body) headers["content-type"] = "application/json";
  const response = await deps.forward(`${instance.runtime.url}${request.pathAndQuery}`, {
    method: request.method,
    headers,
    ...(request.body ? { body: request.body } : {}),
  });
  if (!response) {
    deps.forgetInstance?.(instance.accountId, instance.instanceId);
    throw new ApiError("UNAVAILABLE", "The instance is not reachable right now; try again shortly.", {
      "retry-after": "5",
    });
  }
  const outgoing = new Headers();
  for (const name of RESPONSE_HEADERS) {
    const value = response.headers.get(name);
    if (value) outgoing.set(name, value);
  }
  return new Response(response.body, { status: response.status, headers: outgoing });
}
