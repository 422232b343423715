import { ApiError } from "../../core/errors.js";
import { gatewayClaims, type Instance } from "../../core/instances.js";

// Forwarding one request to an instance's private URL. Two credentials travel with it, as Cloud Run
// with IAM invoker checks requires (DESIGN.md §5): a Google-signed ID token for the service URL in
// X-Serverless-Authorization (checked by Cloud Run, locally by the supervisor's front door), and
// our own token minted for that instance alone in Authorization (checked by the instance).
// Shared by the gateway (API keys) and the dashboard (pairing screens, cookie sessions).
export interface ForwardDeps {
  /** Our token for this instance; `claims` (core/instances.ts gatewayClaims) ride along. */
  signToken: (runtimeId: string, claims: Record<string, unknown>) => Promise<string>;
  /** A Google-signed ID token whose audience is this origin (the instance service URL). */
  idToken: (audience: string) => Promise<string>;
  /** Drops a cached ID token the service refused. */
  forgetIdToken?: (audience: string) => void;
  /** Sends the request; undefined means the instance is unreachable. */
  forward: (
    url: string,
    init: { method: string; headers: Record<string, string>; body?: Uint8Array },
  ) => Promise<InstanceAnswer | undefined>;
  forgetInstance?: (accountId: string, instanceId: string) => void;
}

/** The instance's answer as read off the wire (header names in lower case), turned into a Response once. */
export interface InstanceAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Uint8Array | null;
}

// Headers passed back from the instance; everything else (hop-by-hop, server details) stays behind.
const RESPONSE_HEADERS = ["content-type", "content-length", "content-disposition", "retry-after"];
// The instance answers every error as JSON problem details; an error in any other shape comes from
// the platform in front of it (Cloud Run's IAM check or front end, locally the supervisor's front door).
const INSTANCE_ERROR_TYPE = /^application\/(problem\+)?json\b/i;

const unavailable = () =>
  new ApiError("UNAVAILABLE", "The instance is not reachable right now; try again shortly.", {
    "retry-after": "5",
  });

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
  const audience = new URL(instance.runtime.url).origin;
  const [token, idToken] = await Promise.all([
    deps.signToken(instance.runtimeId, gatewayClaims(instance)),
    // Without an ID token the call cannot pass the invoker check: the instance is unreachable for now.
    deps.idToken(audience).catch(() => {
      throw unavailable();
    }),
  ]);
  const headers: Record<string, string> = {
    authorization: `Bearer ${token}`,
    "x-serverless-authorization": `Bearer ${idToken}`,
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
    throw unavailable();
  }
  const header = (name: string) => {
    const value = response.headers[name];
    return typeof value === "string" ? value : undefined;
  };
  if (response.status >= 400 && !INSTANCE_ERROR_TYPE.test(header("content-type") ?? "")) {
    // 401/403: the ID token was refused (expired early, or the invoker binding is missing);
    // anything else: no container is serving (crashed, starting, deleted). Never the caller's fault.
    if (response.status === 401 || response.status === 403) deps.forgetIdToken?.(audience);
    else deps.forgetInstance?.(instance.accountId, instance.instanceId);
    throw unavailable();
  }
  const outgoing: Record<string, string> = {};
  for (const name of RESPONSE_HEADERS) {
    const value = header(name);
    if (value) outgoing[name] = value;
  }
  return new Response(response.body, { status: response.status, headers: outgoing });
}
