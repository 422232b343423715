// Starting simulators and instances for tests, in-process or as real child processes, and
// calling an instance the way the gateway does.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import type { EgressMode } from "@wsapi/contracts/egress";
import { INSTANCE_ENV } from "@wsapi/contracts/env";
import { waitFor } from "../../../test/support/wait.js";
import type { InstanceConfig } from "../../src/config.js";
import { silentLogs } from "../../src/logs.js";
import { type RunningInstance, startInstance } from "../../src/runtime.js";
import { type GatewayKeys, gatewayToken } from "./keys.js";

export const REPO_ROOT = fileURLToPath(new URL("../../../", import.meta.url));

export function tempDataDir(label: string): string {
  return join(mkdtempSync(join(tmpdir(), `wsapi-${label}-`)), "data");
}

export interface TestInstanceOptions {
  instanceId: string;
  secret: string;
  keys: GatewayKeys;
  controlUrl: string;
  simulatorUrl: string;
  dataDir?: string;
  mediaEgress?: EgressMode;
}

export async function startTestInstance(
  options: TestInstanceOptions,
): Promise<RunningInstance & { dataDir: string }> {
  const dataDir = options.dataDir ?? tempDataDir(options.instanceId);
  const config: InstanceConfig = {
    port: 0,
    instanceId: options.instanceId,
    gatewayPublicJwk: options.keys.publicJwk as InstanceConfig["gatewayPublicJwk"],
    instanceSecret: new Uint8Array(Buffer.from(options.secret, "base64url")),
    controlUrl: options.controlUrl,
    transport: "simulator",
    simulatorUrl: options.simulatorUrl,
    dataDir,
  };
  const running = await startInstance(config, {
    logs: silentLogs,
    hostname: "127.0.0.1",
    mediaEgress: options.mediaEgress,
    outbox: { minBackoffMs: 50, maxBackoffMs: 500 },
    sessionState: { debounceMs: 10, retryMinMs: 50, retryMaxMs: 500 },
  });
  return { ...running, dataDir };
}

/** Calls an instance with a fresh gateway token, as the gateway would. */
export class InstanceClient {
  constructor(
    readonly baseUrl: string,
    private readonly keys: GatewayKeys,
    private readonly instanceId: string,
    /** Claims the gateway would add (the instance's pacing). */
    private readonly claims: Record<string, unknown> = {},
  ) {}

  async call(method: string, path: string, body?: unknown): Promise<Response> {
    const token = await gatewayToken(this.keys, this.instanceId, { claims: this.claims });
    return fetch(`${this.baseUrl}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { "content-type": "application/json" }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  }

  async json<T = unknown>(method: string, path: string, body?: unknown, expectedStatus = 200): Promise<T> {
    const response = await this.call(method, path, body);
    const text = await response.text();
    if (response.status !== expectedStatus) {
      throw new Error(`${method} ${path} answered ${response.status}, expected ${expectedStatus}: ${text}`);
    }
    return (text ? JSON.parse(text) : undefined) as T;
  }

  status() {
    return this.json<{
      isConnected: boolean;
      isLoggedIn: boolean;
      deviceId?: string;
      health?: { state: string; reconnects: number };
    }>("GET", "/session/status");
  }
}

export async function simulatorCall(simulatorUrl: string, method: string, path: string, body?: unknown) {
  return fetch(`${simulatorUrl}${path}`, {
    method,
    headers: body === undefined ? {} : { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

/** Scans the instance's current QR with the given phone, then waits until it is logged in. */
export async function pairByQr(client: InstanceClient, simulatorUrl: string, phone: string): Promise<string> {
  await waitFor(async () => {
    const qr = await client.call("GET", "/session/qr/text");
    if (qr.status !== 200) return undefined;
    const { code } = (await qr.json()) as { code: string };
    const linked = await simulatorCall(simulatorUrl, "POST", `/v1/phones/${phone}/link`, { qr: code });
    return linked.status === 200 ? true : undefined;
  }, `QR pairing of ${phone}`);
  const status = await waitFor(async () => {
    const current = await client.status();
    return current.isLoggedIn && current.isConnected ? current : undefined;
  }, "logged-in status");
  return status.deviceId ?? "";
}

export interface ChildService {
  process: ChildProcess;
  url: string;
  /** The line that announced it. */
  line: string;
  stop(signal?: NodeJS.Signals): Promise<void>;
}

/** Runs an entry point (TypeScript through tsx, or compiled JS) and waits for the line announcing its URL. */
export async function spawnService(
  entry: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  ready: RegExp,
  nodeArgs: string[] = [],
): Promise<ChildService> {
  const loader = entry.endsWith(".ts") ? ["--import", "tsx"] : [];
  const child = spawn(process.execPath, [...nodeArgs, ...loader, entry, ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const stderr: string[] = [];
  child.stderr?.on("data", (chunk: Buffer) => stderr.push(chunk.toString()));
  const [url, line] = await new Promise<[string, string]>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    const timer = setTimeout(() => reject(new Error(`${entry} did not start: ${stderr.join("")}`)), 60_000);
    lines.on("line", (line) => {
      const match = ready.exec(line);
      if (!match?.[1]) return;
      clearTimeout(timer);
      resolve([match[1], line]);
    });
    child.once("exit", (code) => reject(new Error(`${entry} exited with ${code}: ${stderr.join("")}`)));
  });
  return {
    process: child,
    url,
    line,
    stop: (signal = "SIGTERM") =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill(signal);
      }),
  };
}

export function spawnSimulator(): Promise<ChildService> {
  return spawnService(
    "instance/src/simulator/main.ts",
    ["--port", "0"],
    {},
    /^simulator ready on (http:\/\/\S+)$/,
  );
}

/** The environment of an instance process on the simulated network, as the provisioner sets it. */
export function simulatorInstanceEnv(options: {
  instanceId: string;
  keys: GatewayKeys;
  secret: string;
  controlUrl: string;
  simulatorUrl: string;
  dataDir: string;
}): Record<string, string> {
  return {
    [INSTANCE_ENV.instanceId]: options.instanceId,
    [INSTANCE_ENV.gatewayPublicJwk]: JSON.stringify(options.keys.publicJwk),
    [INSTANCE_ENV.instanceSecret]: options.secret,
    [INSTANCE_ENV.controlUrl]: options.controlUrl,
    [INSTANCE_ENV.transport]: "simulator",
    [INSTANCE_ENV.simulatorUrl]: options.simulatorUrl,
    [INSTANCE_ENV.dataDir]: options.dataDir,
  };
}

export function spawnInstance(
  env: Record<string, string>,
  entry = "instance/src/main.ts",
): Promise<ChildService> {
  return spawnService(entry, [], { PORT: "0", ...env }, /"message":"instance\.started".*"port":(\d+)/).then(
    (service) => ({ ...service, url: `http://127.0.0.1:${service.url}` }),
  );
}
