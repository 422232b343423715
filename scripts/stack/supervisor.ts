import { type ChildProcess, spawn } from "node:child_process";
import { createWriteStream, mkdirSync, rmSync } from "node:fs";
import {
  Agent,
  createServer,
  type IncomingMessage,
  request,
  type Server,
  type ServerResponse,
} from "node:http";
import { createServer as createNetServer } from "node:net";
import { join, resolve } from "node:path";
import { pipeline } from "node:stream";
import { type JWTVerifyGetKey, jwtVerify } from "jose";
import { GOOGLE_ISSUER } from "./metadata.js";
import { stopProcessGroup } from "./processes.js";

// The local instance runtime: one OS process per WhatsApp instance, each with its own data
// directory (0700) and credentials. The `api` function's local runtime adapter drives it over HTTP,
// the way the Cloud Run adapter drives Cloud Run. Loopback only; a local-development component.
//
// Each instance's URL is a front door that does what Cloud Run's IAM invoker check does: it takes
// the ID token from X-Serverless-Authorization (or Authorization when that header is absent), checks
// its RS256 signature against the metadata stand-in's keys, issuer, expiry, audience (this URL) and
// that its email is one of the invokers the runtime adapter named; otherwise 403 (no token, or not
// an invoker) or 401 (a token that does not verify). Like Cloud Run, it passes the request on with
// that token's signature replaced by SIGNATURE_REMOVED_BY_GOOGLE, and streams bodies both ways.
// The instance process listens on a private port only the front door (and health checks) use.
interface Runtime {
  runtimeId: string;
  /** The front door's port: the instance URL. */
  port: number;
  /** The instance process's own port, never handed out. */
  privatePort: number;
  frontDoor: Server;
  /** Service-account emails allowed to invoke this instance. */
  invokers: string[];
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
  /** The keys ID tokens are signed with (the metadata stand-in's, as Google's for Cloud Run). */
  idTokenKeys: JWTVerifyGetKey;
}

const REMOVED_SIGNATURE = "SIGNATURE_REMOVED_BY_GOOGLE";
const CLOCK_TOLERANCE_SECONDS = 5;
// Hop-by-hop headers (RFC 9110 §7.6.1) end at the front door, in both directions.
const HOP_BY_HOP = new Set([
  "connection",
  "keep-alive",
  "proxy-authenticate",
  "proxy-authorization",
  "proxy-connection",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade",
]);

function withoutHopByHop(headers: IncomingMessage["headers"]): Record<string, string | string[]> {
  const named = String(headers.connection ?? "")
    .split(",")
    .map((name) => name.trim().toLowerCase());
  const kept: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || HOP_BY_HOP.has(name) || named.includes(name)) continue;
    kept[name] = value;
  }
  return kept;
}

/** Google's error pages are HTML; callers must not mistake them for the instance's own answers. */
function platformError(res: ServerResponse, status: 401 | 403 | 503, extra: Record<string, string> = {}) {
  const title = { 401: "Unauthorized", 403: "Forbidden", 503: "Service Unavailable" }[status];
  const detail =
    status === 503
      ? "The service you requested is not available yet. Please try again in 30 seconds."
      : "Your client does not have permission to the requested URL.";
  const body = `<html><head><title>${status} ${title}</title></head><body><h1>Error: ${title}</h1><h2>${detail}</h2></body></html>\n`;
  res.writeHead(status, { "content-type": "text/html; charset=UTF-8", ...extra });
  res.end(body);
}

type Verdict =
  | { status: 401 | 403 }
  | { header: "x-serverless-authorization" | "authorization"; token: string };

/** Cloud Run's invoker check: which header, whose token, for which audience, signed by whom. */
async function checkInvoker(
  req: IncomingMessage,
  audience: string,
  invokers: string[],
  keys: JWTVerifyGetKey,
): Promise<Verdict> {
  const header =
    req.headers["x-serverless-authorization"] !== undefined ? "x-serverless-authorization" : "authorization";
  const value = req.headers[header];
  if (!value) return { status: 403 };
  const token = /^Bearer +([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)$/i.exec(String(value))?.[1];
  if (!token) return { status: 401 };
  try {
    const { payload } = await jwtVerify(token, keys, {
      algorithms: ["RS256"],
      issuer: [GOOGLE_ISSUER, "accounts.google.com"],
      audience: [audience, `${audience}/`],
      requiredClaims: ["exp", "iat"],
      clockTolerance: CLOCK_TOLERANCE_SECONDS,
    });
    const email = typeof payload.email === "string" ? payload.email.toLowerCase() : "";
    if (!email || !invokers.some((invoker) => invoker.toLowerCase() === email)) return { status: 403 };
    return { header, token };
  } catch {
    return { status: 401 };
  }
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

  function openFrontDoor(runtime: Pick<Runtime, "port" | "privatePort" | "invokers">): Server {
    const agent = new Agent({ keepAlive: true, maxSockets: 64 });
    const server = createServer(async (req, res) => {
      const verdict = await checkInvoker(
        req,
        `http://127.0.0.1:${runtime.port}`,
        runtime.invokers,
        options.idTokenKeys,
      );
      if ("status" in verdict) {
        return platformError(
          res,
          verdict.status,
          verdict.status === 401
            ? {
                "www-authenticate":
                  'Bearer error="invalid_token" error_description="The access token could not be verified"',
              }
            : {},
        );
      }
      const headers = withoutHopByHop(req.headers);
      const [head, payload] = verdict.token.split(".");
      headers[verdict.header] = `Bearer ${head}.${payload}.${REMOVED_SIGNATURE}`;
      const upstream = request({
        host: "127.0.0.1",
        port: runtime.privatePort,
        method: req.method,
        path: req.url,
        headers,
        agent,
      });
      upstream.once("response", (response) => {
        res.writeHead(response.statusCode ?? 502, withoutHopByHop(response.headers));
        pipeline(response, res, () => {});
      });
      upstream.once("error", () => {
        if (!res.headersSent) platformError(res, 503);
        else res.destroy();
      });
      res.once("close", () => {
        if (!res.writableFinished) upstream.destroy();
      });
      pipeline(req, upstream, () => {});
    });
    server.keepAliveTimeout = 60_000;
    return server;
  }

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
        PORT: String(runtime.privatePort),
        WSAPI_DATA_DIR: dataDir,
        // Production exports every 60 s; here every 15 s, so tests see points soon while the many
        // instances of a test run add little load to the Functions emulator (the relay is a function).
        WSAPI_METRICS_INTERVAL_MS: "15000",
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
        const response = await fetch(`http://127.0.0.1:${runtime.privatePort}/healthz`);
        if (response.ok) {
          runtime.state = "running";
          return;
        }
      } catch {}
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  async function newRuntime(runtimeId: string, invokers: string[]): Promise<Runtime> {
    const runtime = {
      runtimeId,
      port: 0,
      privatePort: await freePort(),
      invokers,
      env: {},
      secret: "",
      state: "stopped" as const,
      stopping: false,
    };
    // The front door reads port and invokers from this very object, so updates reach it.
    const frontDoor = openFrontDoor(runtime);
    await new Promise<void>((resolve, reject) => {
      frontDoor.once("error", reject);
      frontDoor.listen(0, "127.0.0.1", resolve);
    });
    runtime.port = (frontDoor.address() as { port: number }).port;
    return Object.assign(runtime, { frontDoor });
  }

  function closeFrontDoor(runtime: Runtime) {
    return new Promise<void>((resolve) => {
      runtime.frontDoor.close(() => resolve());
      runtime.frontDoor.closeAllConnections();
    });
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
      const invokers = body.invokers;
      if (!Array.isArray(invokers) || !invokers.every((email) => typeof email === "string"))
        return send(400, { detail: "invokers (service-account emails) are required" });
      // Who may invoke changes without a restart, as an IAM binding does.
      if (runtime) runtime.invokers = invokers;
      if (runtime && runtime.state !== "crashed" && runtime.state !== "stopped") {
        if (JSON.stringify(runtime.env) === JSON.stringify(env) && runtime.secret === secret)
          return send(200, view(runtime));
        await halt(runtime);
        Object.assign(runtime, { env, secret });
        await launch(runtime);
        return send(200, view(runtime));
      }
      const next = runtime ?? (await newRuntime(runtimeId, invokers));
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
        await closeFrontDoor(runtime);
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
      await Promise.all([...runtimes.values()].map(closeFrontDoor));
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
