import { type ChildProcess, spawn } from "node:child_process";
import { createWriteStream, mkdirSync, rmSync } from "node:fs";
import { createServer, type IncomingMessage, type Server } from "node:http";
import { createServer as createNetServer } from "node:net";
import { join, resolve } from "node:path";
import { stopProcessGroup } from "./processes.js";

// The local instance runtime: one OS process per WhatsApp instance, each with its own port, data
// directory (0700) and credentials. The `api` function's local runtime adapter drives it over HTTP,
// the way the Cloud Run adapter drives Cloud Run. Loopback only; a local-development component.
interface Runtime {
  runtimeId: string;
  port: number;
  env: Record<string, string>;
  secret: string;
  child?: ChildProcess;
  state: "starting" | "running" | "crashed" | "stopped";
  detail?: string;
  stopping: boolean;
}

export interface SupervisorOptions {
  port: number;
  command: string[];
  dataRoot: string;
  logDir: string;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createNetServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return chunks.length ? JSON.parse(Buffer.concat(chunks).toString("utf8")) : {};
}

export async function startSupervisor(
  options: SupervisorOptions,
): Promise<{ url: string; stop(): Promise<void> }> {
  const runtimes = new Map<string, Runtime>();
  mkdirSync(options.dataRoot, { recursive: true, mode: 0o700 });
  mkdirSync(options.logDir, { recursive: true });

  const view = (runtime: Runtime) => ({
    state: runtime.state,
    url: `http://127.0.0.1:${runtime.port}`,
    pid: runtime.child?.pid ?? null,
    ...(runtime.detail ? { detail: runtime.detail } : {}),
  });

  /** Starts the process and resolves once it answers /healthz (or gives up after ~20 s). */
  function launch(runtime: Runtime): Promise<void> {
    const dataDir = resolve(options.dataRoot, runtime.runtimeId);
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    const [command, ...args] = options.command;
    const child = spawn(command!, args, {
      env: {
        PATH: process.env.PATH ?? "",
        NODE_ENV: "development",
        ...runtime.env,
        PORT: String(runtime.port),
        WSAPI_DATA_DIR: dataDir,
        WSAPI_INSTANCE_SECRET: runtime.secret,
      },
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    });
    const log = createWriteStream(join(options.logDir, `instance-${runtime.runtimeId}.log`), { flags: "a" });
    child.stdout?.pipe(log);
    child.stderr?.pipe(log);
    runtime.child = child;
    runtime.state = "starting";
    runtime.stopping = false;
    delete runtime.detail;
    child.once("exit", (code, signal) => {
      if (runtime.child !== child) return;
      runtime.state = runtime.stopping ? "stopped" : "crashed";
      if (!runtime.stopping) runtime.detail = `exited with ${signal ?? `code ${code}`}`;
    });
    return waitHealthy(runtime, child);
  }

  async function waitHealthy(runtime: Runtime, child: ChildProcess) {
    for (
      let attempt = 0;
      attempt < 200 && runtime.child === child && runtime.state === "starting";
      attempt++
    ) {
      try {
        const response = await fetch(`http://127.0.0.1:${runtime.port}/healthz`);
        if (response.ok) {
          runtime.state = "running";
          return;
        }
      } catch {}
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  async function halt(runtime: Runtime) {
    const child = runtime.child;
    if (!child?.pid || child.exitCode !== null || child.signalCode !== null) return;
    runtime.stopping = true;
    await stopProcessGroup(child, "SIGTERM", 5_000);
  }

  // Requests for one runtime run one at a time, so a provisioning task and the reconciler
  // asking at once cannot start two processes.
  const queues = new Map<string, Promise<unknown>>();
  function serially<T>(runtimeId: string, work: () => Promise<T>): Promise<T> {
    const previous = queues.get(runtimeId) ?? Promise.resolve();
    const next = previous.catch(() => {}).then(work);
    queues.set(runtimeId, next);
    void next.finally(() => {
      if (queues.get(runtimeId) === next) queues.delete(runtimeId);
    });
    return next;
  }

  const server: Server = createServer(async (req, res) => {
    const send = (status: number, body?: unknown) => {
      res.writeHead(status, { "content-type": "application/json" });
      res.end(body === undefined ? "" : JSON.stringify(body));
    };
    try {
      const url = new URL(req.url ?? "/", "http://localhost");
      const match = /^\/v1\/runtimes(?:\/([A-Za-z0-9_-]{1,64}))?(\/restart)?$/.exec(url.pathname);
      if (!match) return send(404, { detail: "not found" });
      const [, runtimeId, restart] = match;
      if (!runtimeId) return send(200, { runtimes: [...runtimes.keys()] });
      await serially(runtimeId, () => handle(req, runtimeId, Boolean(restart), send));
    } catch (error) {
      send(500, { detail: error instanceof Error ? error.message : "error" });
    }
  });

  async function handle(
    req: IncomingMessage,
    runtimeId: string,
    restart: boolean,
    send: (status: number, body?: unknown) => void,
  ) {
    const runtime = runtimes.get(runtimeId);
    if (req.method === "GET") return runtime ? send(200, view(runtime)) : send(200, { state: "missing" });
    if (req.method === "PUT" && !restart) {
      const body = await readJson(req);
      const env = body.env as Record<string, string>;
      const secret = String(body.instanceSecret ?? "");
      if (runtime && runtime.state !== "crashed" && runtime.state !== "stopped") {
        if (JSON.stringify(runtime.env) === JSON.stringify(env) && runtime.secret === secret)
          return send(200, view(runtime));
        await halt(runtime);
        Object.assign(runtime, { env, secret });
        await launch(runtime);
        return send(200, view(runtime));
      }
      const next = runtime ?? {
        runtimeId,
        port: await freePort(),
        env,
        secret,
        state: "stopped",
        stopping: false,
      };
      Object.assign(next, { env, secret });
      runtimes.set(runtimeId, next);
      await launch(next);
      return send(200, view(next));
    }
    if (req.method === "POST" && restart) {
      if (!runtime) return send(404, { detail: "no such runtime" });
      await halt(runtime);
      await launch(runtime);
      return send(200, view(runtime));
    }
    if (req.method === "DELETE") {
      if (runtime) {
        await halt(runtime);
        runtimes.delete(runtimeId);
      }
      rmSync(join(options.dataRoot, runtimeId), { recursive: true, force: true });
      return send(204);
    }
    send(405, { detail: "method not allowed" });
  }

  await new Promise<void>((resolve) => server.listen(options.port, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${options.port}`,
    async stop() {
      await Promise.all([...runtimes.values()].map(halt));
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
