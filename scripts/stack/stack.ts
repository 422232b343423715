import { execFileSync } from "node:child_process";
import { appendFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import type { Server } from "node:http";
import { connect } from "node:net";
import { waitFor } from "../../test/support/wait.js";
import { startControl } from "./control.js";
import { writeLocalFirebaseConfig } from "./localFirebaseConfig.js";
import { localAccounts, startMetadataServer } from "./metadata.js";
import { startOtlpCollector } from "./otlpCollector.js";
import { httpOk, type RestartableProcess, restartable, startProcess } from "./processes.js";
import { ensureRedisServer, redisArgs, redisReady } from "./redis.js";
import { startReconcileSchedule } from "./scheduler.js";
import { ensureLocalSecrets } from "./secrets.js";
import { startSupervisor } from "./supervisor.js";

// The whole local stack: Firestore, the Firebase emulators (auth, functions, tasks, hosting).
export const PROJECT_ID = "demo-wsapi";
// Functions run in the region deployment.json names, in the emulator as in production.
export const REGION: string = JSON.parse(readFileSync("functions/deployment.json", "utf8")).region;
const HOST = "127.0.0.1";
export const PORTS = {
  firestore: 8080,
  auth: 9099,
  functions: 5001,
  tasks: 9499,
  hosting: 5002,
  simulator: 8090,
  supervisor: 8091,
  firestoreExport: 8092,
  control: 8093,
  metadata: 8094,
  redis: 6390,
  metrics: 8095,
} as const;
// The stand-in's documents while it is stopped for a restart; each stack starts empty.
const FIRESTORE_DATA = ".wsapi/firestore/data.json";
// Production reconciles every 5 minutes; locally a crash is repaired within seconds.
const RECONCILE_EVERY_MS = 5_000;
export const INSTANCE_ENTRY = "instance/dist/main.js";
const SIMULATOR_ENTRY = "instance/dist/simulator/main.js";

export interface StackUrls {
  gateway: string;
  dashboard: string;
  events: string;
  hosting: string;
  auth: string;
  firestore: string;
  tasks: string;
  simulator: string;
  supervisor: string;
  /** Loopback control of restartable processes (scripts/stack/control.ts). */
  control: string;
  /** The metadata-server stand-in (scripts/stack/metadata.ts): ID tokens for the functions. */
  metadata: string;
  /** redis-server (the shared rate-limit store): host:port, AUTH from WSAPI_REDIS_AUTH in functions/.secret.local. */
  redis: string;
  /** The OTLP metrics collector (scripts/stack/otlpCollector.ts): GET {metrics}/v1/points. */
  metrics: string;
  projectId: string;
  /** Loopback dump of all stand-in data (absent with the official emulator). */
  firestoreExport?: string;
  /** "official" (Java 21 emulator, with security rules) or "standin" (no rules engine). */
  firestoreKind: "official" | "standin";
}

export interface Stack {
  urls: StackUrls;
  stop(): Promise<void>;
}

export function stackUrls(firestoreKind: StackUrls["firestoreKind"] = "standin"): StackUrls {
  const functionsBase = `http://${HOST}:${PORTS.functions}/${PROJECT_ID}/${REGION}`;
  return {
    gateway: `${functionsBase}/api`,
    dashboard: `${functionsBase}/dashboard`,
    events: `${functionsBase}/events`,
    hosting: `http://${HOST}:${PORTS.hosting}`,
    auth: `${HOST}:${PORTS.auth}`,
    firestore: `${HOST}:${PORTS.firestore}`,
    tasks: `${HOST}:${PORTS.tasks}`,
    simulator: `http://${HOST}:${PORTS.simulator}`,
    supervisor: `http://${HOST}:${PORTS.supervisor}`,
    control: `http://${HOST}:${PORTS.control}`,
    metadata: `http://${HOST}:${PORTS.metadata}`,
    redis: `${HOST}:${PORTS.redis}`,
    metrics: `http://${HOST}:${PORTS.metrics}`,
    projectId: PROJECT_ID,
    ...(firestoreKind === "standin"
      ? { firestoreExport: `http://${HOST}:${PORTS.firestoreExport}/export` }
      : {}),
    firestoreKind,
  };
}

function javaMajorVersion(): number {
  try {
    const output = execFileSync("java", ["-version"], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
    });
    return Number(/version "(\d+)/.exec(output)?.[1] ?? 0);
  } catch (error) {
    const stderr = String((error as { stderr?: string }).stderr ?? "");
    return Number(/version "(\d+)/.exec(stderr)?.[1] ?? 0);
  }
}

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, HOST);
    socket.once("connect", () => {
      socket.destroy();
      resolve(false);
    });
    socket.once("error", () => resolve(true));
  });
}

export async function startStack(request: { logDir?: string; echo?: boolean } = {}): Promise<Stack> {
  const options = { logDir: request.logDir ?? ".wsapi/logs", echo: request.echo ?? false };
  for (const [name, port] of Object.entries(PORTS)) {
    if (!(await portFree(port)))
      throw new Error(`port ${port} (${name}) is in use: is another stack running?`);
  }
  const secrets = await ensureLocalSecrets();
  const redisServer = ensureRedisServer();
  // The official Firestore emulator needs Java 21; below that, the isolated Node stand-in serves.
  const official = javaMajorVersion() >= 21 && process.env.WSAPI_FIRESTORE !== "standin";
  const urls = stackUrls(official ? "official" : "standin");
  writeLocalParams(urls);
  const processes: Array<{ stop(): Promise<void> }> = [];
  const restartables: RestartableProcess[] = [];
  let control: Server | undefined;
  // Google's metadata server for the functions (GCE_METADATA_HOST); its keys check ID tokens at
  // the instances' front doors, as Google's keys do at Cloud Run's.
  const metadata = await startMetadataServer({
    port: PORTS.metadata,
    projectId: PROJECT_ID,
    ...localAccounts(PROJECT_ID),
    log: (line) => appendFileSync(`${options.logDir}/metadata.log`, `${line}\n`),
  });
  const collector = await startOtlpCollector(PORTS.metrics);
  const supervisor = await startSupervisor({
    port: PORTS.supervisor,
    command: [process.execPath, INSTANCE_ENTRY],
    dataRoot: ".wsapi/instances",
    logDir: options.logDir,
    idTokenKeys: metadata.keys,
  });
  let schedule: { stop(): void } | undefined;
  let stopping: Promise<void> | undefined;
  // Idempotent: Ctrl-C often brings SIGINT and then SIGTERM (from npm) while stopping.
  const stop = () => {
    stopping ??= (async () => {
      schedule?.stop();
      control?.close();
      await supervisor.stop();
      for (const child of [...processes].reverse()) await child.stop();
      await metadata.stop();
      await collector.stop();
      process.off("SIGINT", onSignal);
      process.off("SIGTERM", onSignal);
    })();
    return stopping;
  };
  // Children run in their own process groups, so a terminal's Ctrl-C reaches only this process:
  // stop every child before exiting, during start-up as much as afterwards.
  const onSignal = () => {
    console.log("\nstopping the local stack…");
    void stop().finally(() => process.exit(130));
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  try {
    processes.push(
      startProcess("redis", redisServer, redisArgs(PORTS.redis, secrets.WSAPI_REDIS_AUTH!), options),
    );
    const redisUp = waitFor(() => redisReady(PORTS.redis, secrets.WSAPI_REDIS_AUTH!), "redis-server", {
      timeoutMs: 30_000,
    });
    processes.push(
      startProcess(
        "simulator",
        process.execPath,
        [SIMULATOR_ENTRY, "--port", String(PORTS.simulator)],
        options,
      ),
    );
    let firestoreReady = Promise.resolve();
    if (!official) {
      rmSync(FIRESTORE_DATA, { force: true });
      const firestore = restartable(
        "firestore",
        () =>
          startProcess(
            "firestore",
            process.execPath,
            [
              "--import",
              "tsx",
              "scripts/firestore/server.ts",
              "--port",
              String(PORTS.firestore),
              "--export-port",
              String(PORTS.firestoreExport),
              "--data-file",
              FIRESTORE_DATA,
            ],
            options,
          ),
        () => tcpOpen(PORTS.firestore),
      );
      processes.push(firestore);
      restartables.push(firestore);
      firestoreReady = firestore.start();
    }
    const only = ["auth", "functions", "tasks", "hosting", ...(official ? ["firestore"] : [])].join(",");
    const env = {
      FIRESTORE_EMULATOR_HOST: urls.firestore,
      FIREBASE_AUTH_EMULATOR_HOST: urls.auth,
      // The emulator hands its environment to every function worker: all run as one identity.
      GCE_METADATA_HOST: metadata.host,
    };
    // firebase.json is production's; the emulators run a git-ignored copy at the repository root whose
    // dashboard CSP also allows the Auth emulator (scripts/stack/localFirebaseConfig.ts).
    const config = writeLocalFirebaseConfig();
    processes.push(
      startProcess(
        "emulators",
        "node_modules/.bin/firebase",
        ["emulators:start", "--config", config, "--only", only, "--project", PROJECT_ID],
        {
          ...options,
          env,
        },
      ),
    );
    await firestoreReady;
    await redisUp;
    await waitFor(() => httpOk(`http://${urls.auth}/`), "auth emulator", { timeoutMs: 120_000 });
    await waitFor(() => httpOk(`${urls.dashboard}/v1/healthz`), "dashboard function", { timeoutMs: 180_000 });
    await waitFor(() => httpOk(`${urls.hosting}/`), "hosting emulator", { timeoutMs: 120_000 });
    await waitFor(() => httpOk(`${urls.simulator}/v1/healthz`), "simulator", { timeoutMs: 120_000 });
    control = await startControl(PORTS.control, restartables);
  } catch (error) {
    await stop();
    throw error;
  }
  schedule = startReconcileSchedule({
    projectId: PROJECT_ID,
    region: REGION,
    tasksHost: urls.tasks,
    everyMs: RECONCILE_EVERY_MS,
  });
  mkdirSync(".wsapi", { recursive: true });
  writeFileSync(".wsapi/stack.json", `${JSON.stringify(urls, null, 2)}\n`);
  return { urls, stop };
}

// Local values of the functions' string params (production sets them at deploy time).
function writeLocalParams(urls: StackUrls) {
  const params = {
    WSAPI_SESSION_DAYS: "5",
    WSAPI_RUNTIME: "local",
    WSAPI_SUPERVISOR_URL: urls.supervisor,
    WSAPI_EVENTS_URL: urls.events,
    WSAPI_INSTANCE_TRANSPORT: "simulator",
    WSAPI_SIMULATOR_URL: urls.simulator,
    WSAPI_CELLS: "[]",
    WSAPI_INSTANCE_IMAGE: "",
    // The retry schedule (5 s … 24 h) runs 10,000× faster locally: a failing endpoint exhausts in ~9 s.
    WSAPI_WEBHOOK_SCHEDULE_SCALE: "0.0001",
    WSAPI_WEBHOOK_SECRET_GRACE_HOURS: "24",
    WSAPI_EVENT_RETENTION_HOURS: "24",
    WSAPI_REDIS_URL: `redis://${urls.redis}`,
    // Production allows 5 sign-ups per address per hour; the suite's signUpAndSignIn sends each user
    // from an address of its own, so the local window stays short and the limit strict.
    WSAPI_SIGNUP_LIMIT: "20/minute",
    // Operator metrics go to the stack's collector (production: Cloud Monitoring's Telemetry API).
    WSAPI_METRICS_URL: `${urls.metrics}/v1/metrics`,
  };
  const body = Object.entries(params).map(([name, value]) => `${name}=${value}`);
  writeFileSync("functions/.env.local", `${body.join("\n")}\n`);
}

function tcpOpen(port: number): Promise<boolean> {
  return portFree(port).then((free) => !free);
}
