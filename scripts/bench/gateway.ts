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

// Gateway overhead: the same call (GET /session/status) straight to an instance service and
// through the real gateway app, measured side by side in one run. The gateway also fetches (once,
// then from its cache) an ID token from a metadata stand-in; the instance has no front door here.
const INSTANCE = "instance/dist/main.js";

export interface LoadResult {
  p50: number;
  p99: number;
  requestsPerSecond: number;
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
    errors: result.errors + result.timeouts + result.non2xx,
  };
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
  const gateway = await spawnService(
    "scripts/bench/gatewayServer.ts",
    [],
    {
      BENCH_GATEWAY: JSON.stringify({ instanceUrl: instance.url, runtimeId, privateJwk }),
      GCE_METADATA_HOST: metadata.host,
      ...(process.env.BENCH_PROF ? { NODE_OPTIONS: "--cpu-prof --cpu-prof-dir=.wsapi/prof" } : {}),
    },
    /"url":"([^"]+)"/,
  );
  const { apiKey } = JSON.parse(gateway.line);
  try {
    // Instances accept only 60-second tokens, so each phase gets a fresh one.
    const directHeaders = async () => ({ authorization: `Bearer ${await gatewayToken(keys, runtimeId)}` });
    const gatewayHeaders = { "x-api-key": apiKey, "x-instance-id": "bench" };
    await load(`${instance.url}/session/status`, await directHeaders(), 2);
    await load(`${gateway.url}/session/status`, gatewayHeaders, 2);
    const direct = await load(`${instance.url}/session/status`, await directHeaders(), durationSeconds);
    const viaGateway = await load(`${gateway.url}/session/status`, gatewayHeaders, durationSeconds);
    return { direct, viaGateway };
  } finally {
    await Promise.all([gateway.stop(), instance.stop(), simulator.stop(), metadata.stop()]);
    await control.close();
  }
}
