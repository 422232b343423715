// The instance's only way to reach the control plane: events and session state, each call
// authenticated with a short-lived HS256 token signed with the instance's own secret.

import { EVENTS_PATH, type EventEnvelope } from "@wsapi/contracts/events";
import { SESSION_STATE_PATH, SessionStateBody } from "@wsapi/contracts/instance-api";
import { MESSAGE_STAGES_PATH, type MessageStageReport } from "@wsapi/contracts/message-timeline";
import {
  EVENTS_AUDIENCE,
  INSTANCE_TOKEN_ALG,
  INSTANCE_TOKEN_TTL_SECONDS,
  instanceIssuer,
} from "@wsapi/contracts/tokens";
import { SignJWT } from "jose";

export type DeliveryOutcome =
  | { kind: "delivered" }
  | { kind: "retry"; reason: string }
  | { kind: "rejected"; status: number };

export interface ControlClient {
  postEvents(events: EventEnvelope[]): Promise<DeliveryOutcome>;
  /** Send-side stages of messages (ids and times only) for their timelines. */
  postStages(stages: MessageStageReport[]): Promise<DeliveryOutcome>;
  /** JSON text of the stored session, or null. Throws when the control plane cannot answer. */
  getSessionState(): Promise<string | null>;
  putSessionState(json: string): Promise<void>;
  /** A bearer token for the control plane (the metrics exporter sends it too). */
  token(): Promise<string>;
}

export interface ControlClientOptions {
  controlUrl: string;
  instanceId: string;
  instanceSecret: Uint8Array;
  timeoutMs?: number;
}

const TOKEN_REUSE_SECONDS = 30;
// Statuses after which resending the same batch can never succeed.
const PERMANENT_REJECTIONS = new Set([400, 413, 422]);

export function createControlClient(options: ControlClientOptions): ControlClient {
  const timeoutMs = options.timeoutMs ?? 10_000;
  let cached: { token: string; expiresAt: number } | undefined;

  async function instanceToken(): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    if (cached && cached.expiresAt - now > INSTANCE_TOKEN_TTL_SECONDS - TOKEN_REUSE_SECONDS)
      return cached.token;
    const token = await new SignJWT({})
      .setProtectedHeader({ alg: INSTANCE_TOKEN_ALG, typ: "JWT" })
      .setIssuer(instanceIssuer(options.instanceId))
      .setSubject(options.instanceId)
      .setAudience(EVENTS_AUDIENCE)
      .setIssuedAt(now)
      .setExpirationTime(now + INSTANCE_TOKEN_TTL_SECONDS)
      .sign(options.instanceSecret);
    cached = { token, expiresAt: now + INSTANCE_TOKEN_TTL_SECONDS };
    return token;
  }

  async function call(method: "GET" | "POST" | "PUT", path: string, body?: unknown): Promise<Response> {
    return fetch(`${options.controlUrl}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${await instanceToken()}`,
        ...(body === undefined ? {} : { "content-type": "application/json" }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      redirect: "error",
      signal: AbortSignal.timeout(timeoutMs),
    });
  }

  async function post(path: string, body: unknown): Promise<DeliveryOutcome> {
    let response: Response;
    try {
      response = await call("POST", path, body);
    } catch (error) {
      return { kind: "retry", reason: errorName(error) };
    }
    await response.body?.cancel();
    if (response.ok) return { kind: "delivered" };
    if (PERMANENT_REJECTIONS.has(response.status)) return { kind: "rejected", status: response.status };
    return { kind: "retry", reason: `status ${response.status}` };
  }

  return {
    token: instanceToken,
    postEvents: (events) => post(EVENTS_PATH, { events }),
    postStages: (stages) => post(MESSAGE_STAGES_PATH, { stages }),

    async getSessionState() {
      const response = await call("GET", SESSION_STATE_PATH);
      if (response.status === 404) {
        await response.body?.cancel();
        return null;
      }
      if (!response.ok) {
        await response.body?.cancel();
        throw new Error(`session state read answered ${response.status}`);
      }
      const parsed = SessionStateBody.safeParse(await response.json());
      if (!parsed.success) throw new Error("session state read answered a malformed body");
      const json = Buffer.from(parsed.data.state, "base64").toString("utf8");
      return json === "null" || json === "" ? null : json;
    },

    async putSessionState(json) {
      const response = await call("PUT", SESSION_STATE_PATH, {
        state: Buffer.from(json, "utf8").toString("base64"),
      });
      await response.body?.cancel();
      if (!response.ok) throw new Error(`session state write answered ${response.status}`);
    },
  };
}

export function errorName(error: unknown): string {
  if (error instanceof Error) {
    const cause = (error as { cause?: { code?: unknown } }).cause;
    return typeof cause?.code === "string" ? cause.code : error.name;
  }
  return "unknown";
}
