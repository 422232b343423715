// A tiny control plane for tests: receives events and keeps session state, authenticating every
// call with the calling instance's own HS256 token, exactly as the real events function must.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { EventBatch, type EventEnvelope } from "@wsapi/contracts/events";
import { SessionStateBody } from "@wsapi/contracts/instance-api";
import { EVENTS_AUDIENCE, instanceIssuer } from "@wsapi/contracts/tokens";
import { jwtVerify } from "jose";

export interface ControlPlaneStub {
  url: string;
  /** Every event received, in arrival order, duplicates included. */
  events(instanceId: string): EventEnvelope[];
  sessionState(instanceId: string): string | undefined;
  /** Events POSTed while unavailable (answered 503), duplicates included. */
  refused(instanceId: string): EventEnvelope[];
  /** While false, POST /v1/events answers 503 (session state keeps working). */
  setEventsAvailable(available: boolean): void;
  rejectedCalls: number;
  close(): Promise<void>;
}

export async function startControlPlane(secrets: Map<string, string>): Promise<ControlPlaneStub> {
  const events = new Map<string, EventEnvelope[]>();
  const refused = new Map<string, EventEnvelope[]>();
  const states = new Map<string, string>();
  let eventsAvailable = true;
  const stub = { rejectedCalls: 0 };

  async function authenticate(req: IncomingMessage): Promise<string | undefined> {
    const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? "")?.[1];
    if (!token) return undefined;
    const claimed = JSON.parse(Buffer.from(token.split(".")[1] ?? "", "base64url").toString() || "{}").sub;
    const secret = typeof claimed === "string" ? secrets.get(claimed) : undefined;
    if (!secret) return undefined;
    try {
      const { payload } = await jwtVerify(token, Buffer.from(secret, "base64url"), {
        algorithms: ["HS256"],
        audience: EVENTS_AUDIENCE,
        issuer: instanceIssuer(claimed),
        subject: claimed,
        requiredClaims: ["exp", "iat"],
      });
      return payload.sub;
    } catch {
      return undefined;
    }
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString("utf8");
    const instanceId = await authenticate(req);
    if (!instanceId) {
      stub.rejectedCalls += 1;
      return void res.writeHead(401).end();
    }
    if (req.method === "POST" && req.url === "/v1/events") {
      const parsed = EventBatch.safeParse(JSON.parse(body));
      if (!parsed.success || parsed.data.events.some((event) => event.instanceId !== instanceId)) {
        return void res.writeHead(400).end();
      }
      const target = eventsAvailable ? events : refused;
      target.set(instanceId, [...(target.get(instanceId) ?? []), ...parsed.data.events]);
      if (!eventsAvailable) return void res.writeHead(503).end();
      return void res.writeHead(202).end();
    }
    if (req.url === "/v1/session-state" && req.method === "GET") {
      const state = states.get(instanceId);
      if (state === undefined) return void res.writeHead(404).end();
      return void res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ state }));
    }
    if (req.url === "/v1/session-state" && req.method === "PUT") {
      states.set(instanceId, SessionStateBody.parse(JSON.parse(body)).state);
      return void res.writeHead(204).end();
    }
    res.writeHead(404).end();
  }

  const server: Server = createServer((req, res) => {
    handle(req, res).catch(() => res.writeHead(500).end());
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return Object.assign(stub, {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    events: (instanceId: string) => events.get(instanceId) ?? [],
    refused: (instanceId: string) => refused.get(instanceId) ?? [],
    sessionState: (instanceId: string) => {
      const state = states.get(instanceId);
      return state === undefined ? undefined : Buffer.from(state, "base64").toString("utf8");
    },
    setEventsAvailable: (available: boolean) => {
      eventsAvailable = available;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  });
}
