import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { METRICS } from "@wsapi/contracts/metrics";
import autocannon from "autocannon";
import { exportJWK } from "jose";
import { startControlPlane } from "../../instance/test/support/control-plane.js";
import {
  simulatorInstanceEnv,
  spawnInstance,
  spawnService,
  spawnSimulator,
  tempDataDir,
} from "../../instance/test/support/instances.js";
import { gatewayToken, generateGatewayKeys, newInstanceSecret } from "../../instance/test/support/keys.js";
import { localAccounts, startMetadataServer } from "../stack/metadata.js";
import { startOtlpCollector } from "../stack/otlpCollector.js";
import { startNginx } from "./nginx.js";

// Gateway overhead: the same call (GET /session/status) straight to an instance service, through
// nginx (the yardstick hop) and through the real gateway app, measured side by side in one run. The
// gateway also fetches (once, then from its cache) an ID token from a metadata stand-in; the instance
// has no front door here.
const INSTANCE = "instance/dist/main.js";
const TICKS_PER_SECOND = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }));

export interface LoadResult {
  p50: number;
  p99: number;
  requestsPerSecond: number;
  requests: number;
  errors: number;
}

async function load(
  url: string,
  headers: Record<string, string>,
  durationSeconds: number,
): Promise<LoadResult> {
  const result = await autocannon({ url, headers, connections: 16, duration: durationSeconds });
  return {
    p50: result.latency.p50,
    p99: result.latency.p99,
    requestsPerSecond: result.requests.average,
    requests: result.requests.total,
    errors: result.errors + result.timeouts + result.non2xx,
  };
}

/** User + system CPU time a process has used so far, in microseconds (Linux /proc). */
function cpuMicros(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
  return ((Number(fields[11]) + Number(fields[12])) * 1e6) / TICKS_PER_SECOND;
}

/** A load phase plus the CPU time `pid` spent per request during it. */
async function measured(pid: number, run: () => Promise<LoadResult>) {
  const before = cpuMicros(pid);
  const result = await run();
  return { ...result, cpuMicrosPerRequest: (cpuMicros(pid) - before) / result.requests };
}

export async function benchGateway(durationSeconds = 10) {
  const runtimeId = "wibench";
  const keys = await generateGatewayKeys();
  const privateJwk = { ...(await exportJWK(keys.privateKey)), alg: "ES256" };
  const secret = newInstanceSecret();
  const control = await startControlPlane(new Map([[runtimeId, secret]]));
  const simulator = await spawnSimulator();
  const metadata = await startMetadataServer({
    port: 0,
    projectId: "demo-wsapi",
    ...localAccounts("demo-wsapi"),
  });
  const instance = await spawnInstance(
    simulatorInstanceEnv({
      instanceId: runtimeId,
      keys,
      secret,
      controlUrl: control.url,
      simulatorUrl: simulator.url,
      dataDir: tempDataDir("bench-gateway"),
    }),
    INSTANCE,
  );
  const nginx = await startNginx(instance.url);
  const gateway = await spawnService(
    "scripts/bench/gatewayServer.ts",
    [],
    {
      BENCH_GATEWAY: JSON.stringify({ instanceUrl: instance.url, runtimeId, privateJwk }),
      GCE_METADATA_HOST: metadata.host,
    },
    /"url":"([^"]+)"/,
    // BENCH_PROF=1 writes the gateway's CPU profile to .wsapi/prof (open it in Chrome DevTools).
    process.env.BENCH_PROF ? ["--cpu-prof", "--cpu-prof-dir=.wsapi/prof"] : [],
  );
  const { apiKey } = JSON.parse(gateway.line);
  // The same gateway with its request metrics on, exporting to a loopback OTLP collector.
  const collector = await startOtlpCollector(0);
  const gatewayWithMetrics = await spawnService(
    "scripts/bench/gatewayServer.ts",
    [],
    {
      BENCH_GATEWAY: JSON.stringify({
        instanceUrl: instance.url,
        runtimeId,
        privateJwk,
        metricsUrl: `${collector.url}/v1/metrics`,
      }),
      GCE_METADATA_HOST: metadata.host,
    },
    /"url":"([^"]+)"/,
  );
  const metricsKey = JSON.parse(gatewayWithMetrics.line).apiKey as string;
  try {
    // Instances accept only 60-second tokens, so each phase gets a fresh one.
    const direct = async (seconds: number) =>
      load(`${instance.url}/session/status`, await directHeaders(), seconds);
    const directHeaders = async () => ({ authorization: `Bearer ${await gatewayToken(keys, runtimeId)}` });
    const viaNginx = async (seconds: number) =>
      load(`${nginx.url}/session/status`, await directHeaders(), seconds);
    const viaGateway = (seconds: number) =>
      load(`${gateway.url}/session/status`, { "x-api-key": apiKey, "x-instance-id": "bench" }, seconds);
    const viaGatewayWithMetrics = (seconds: number) =>
      load(
        `${gatewayWithMetrics.url}/session/status`,
        { "x-api-key": metricsKey, "x-instance-id": "bench" },
        seconds,
      );
    for (const phase of [direct, viaNginx, viaGateway, viaGatewayWithMetrics]) await phase(2);
    const results = {
      direct: await direct(durationSeconds),
      viaNginx: await measured(nginx.workerPid(), () => viaNginx(durationSeconds)),
      viaGateway: await measured(gateway.process.pid!, () => viaGateway(durationSeconds)),
      viaGatewayWithMetrics: await measured(gatewayWithMetrics.process.pid!, () =>
        viaGatewayWithMetrics(durationSeconds),
      ),
    };
    await new Promise((resolve) => setTimeout(resolve, 6_000));
    const counted = collector
      .points()
      .filter((p) => p.name === METRICS.httpRequests && p.attributes.status === "200")
      .reduce((sum, p) => sum + (p.value ?? 0), 0);
    return { ...results, metricsCounted: counted };
  } finally {
    await Promise.all([
      gateway.stop(),
      gatewayWithMetrics.stop(),
      nginx.stop(),
      instance.stop(),
      simulator.stop(),
      metadata.stop(),
      collector.stop(),
    ]);
    await control.close();
  }
}
