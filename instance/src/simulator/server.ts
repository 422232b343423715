// The simulated WhatsApp network as a server: HTTP API for phones, WebSocket for instances.
import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import { type WebSocket, WebSocketServer } from "ws";
import { createSimulatorApi } from "./http-api.js";
import { type NetworkOptions, SimNetwork, type SimSocket } from "./network.js";
import { runOp } from "./ops.js";
import { ClientFrame, type ServerFrame, SIM_MAX_FRAME_BYTES, SIM_SOCKET_PATH } from "./protocol.js";
import { SimError, SimWorld } from "./world.js";

export interface SimulatorOptions extends NetworkOptions {
  port?: number;
  host?: string;
}

export interface RunningSimulator {
  url: string;
  port: number;
  world: SimWorld;
  close(): Promise<void>;
}

const HELLO_TIMEOUT_MS = 10_000;

export async function startSimulator(options: SimulatorOptions = {}): Promise<RunningSimulator> {
  const world = new SimWorld(new SimNetwork(options));
  const api = createSimulatorApi(world);
  const host = options.host ?? "127.0.0.1";
  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const started = serve({ fetch: api.fetch, port: options.port ?? 0, hostname: host }, () =>
      resolve(started),
    );
  });
  const sockets = new WebSocketServer({ noServer: true, maxPayload: SIM_MAX_FRAME_BYTES });
  server.on("upgrade", (request, socket, head) => {
    if (new URL(request.url ?? "/", "http://localhost").pathname !== SIM_SOCKET_PATH) {
      socket.destroy();
      return;
    }
    sockets.handleUpgrade(request, socket, head, (ws) => serveInstance(world, ws));
  });
  const port = (server.address() as AddressInfo).port;
  world.pictureBaseUrl = `http://${host}:${port}`;
  return {
    url: `http://${host}:${port}`,
    port,
    world,
    close: async () => {
      world.net.close();
      for (const client of sockets.clients) client.terminate();
      sockets.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function serveInstance(world: SimWorld, ws: WebSocket): void {
  let instanceId: string | undefined;
  const frozen = () => instanceId !== undefined && world.net.isFrozen(instanceId, socket);
  const socket: SimSocket = {
    send: (frame: ServerFrame) => {
      if (ws.readyState === ws.OPEN && !frozen()) ws.send(JSON.stringify(frame));
    },
    close: (code?: number) => ws.close(code),
  };
  const helloTimer = setTimeout(() => ws.close(), HELLO_TIMEOUT_MS);
  ws.on("message", (data) => {
    let frame: ClientFrame;
    try {
      frame = ClientFrame.parse(JSON.parse(data.toString()));
    } catch {
      ws.close(1008, "malformed frame");
      return;
    }
    if (frame.type === "hello") {
      if (instanceId !== undefined) return;
      clearTimeout(helloTimer);
      instanceId = frame.instanceId;
      world.net.connect(instanceId, frame.credential, socket);
      return;
    }
    if (instanceId === undefined || frozen()) return;
    if (frame.type === "ping") {
      socket.send({ type: "pong", pingId: frame.pingId });
      return;
    }
    try {
      const result = runOp(world, instanceId, frame.op, frame.args);
      socket.send({ type: "response", requestId: frame.requestId, result: result ?? undefined });
    } catch (error) {
      const detail = error instanceof Error ? error.message : "simulator error";
      const kind = error instanceof SimError ? error.kind : "rejected";
      socket.send({ type: "response", requestId: frame.requestId, error: { kind, detail } });
    }
  });
  ws.on("close", () => {
    clearTimeout(helloTimer);
    if (instanceId !== undefined) world.net.disconnect(instanceId, socket);
  });
  ws.on("error", () => ws.close());
}
