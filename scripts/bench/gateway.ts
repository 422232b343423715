import { randomBytes } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import autocannon from "autocannon";
import { exportJWK, generateKeyPair, importJWK, SignJWT } from "jose";
import { GATEWAY_ISSUER, instanceAudience } from "../../functions/src/core/contracts/tokens.js";
import { controlPlaneStub, launch } from "./processes.js";

// Gateway overhead: the same call (GET /session/status) straight to an instance service and
// through the real gateway app, measured side by side in one run.
const SIMULATOR = "instance/dist/instance/src/simulator/main.js";
const INSTANCE = "instance/dist/instance/src/main.js";

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
  const { privateKey, publicKey } = await generateKeyPair("ES256", { extractable: true });
  const privateJwk = { ...(await exportJWK(privateKey)), alg: "ES256" };
  const runtimeId = "wibench";
  const control = await controlPlaneStub();
  const simulator = await launch([process.execPath, SIMULATOR, "--port", "0"], {}, /simulator ready on/);
  const simulatorUrl = /(http:\/\/\S+)/.exec(simulator.line)![1]!;
  const instancePort = 18_000 + Math.floor(Math.random() * 1000);
  const instance = await launch(
    [process.execPath, INSTANCE],
    {
      PORT: String(instancePort),
      WSAPI_INSTANCE_ID: runtimeId,
      WSAPI_GATEWAY_PUBLIC_JWK: JSON.stringify(await exportJWK(publicKey)),
      WSAPI_INSTANCE_SECRET: randomBytes(32).toString("base64url"),
      WSAPI_CONTROL_URL: control.url,
      WSAPI_TRANSPORT: "simulator",
      WSAPI_SIMULATOR_URL: simulatorUrl,
      WSAPI_DATA_DIR: mkdtempSync(join(tmpdir(), "wsapi-bench-")),
    },
    /listening|ready|started/i,
  );
  const instanceUrl = `http://127.0.0.1:${instancePort}`;
  const gateway = await launch(
    [
      process.execPath,
      ...(process.env.BENCH_PROF ? ["--cpu-prof", "--cpu-prof-dir=.wsapi/prof"] : []),
      "--import",
      "tsx",
      "scripts/bench/gatewayServer.ts",
    ],
    { BENCH_GATEWAY: JSON.stringify({ instanceUrl, runtimeId, privateJwk }) },
    /"apiKey"/,
  );
  const { url: gatewayUrl, apiKey } = JSON.parse(gateway.line);
  try {
    // Instances accept only 60-second tokens, so each phase gets a fresh one.
    const signingKey = await importJWK(privateJwk, "ES256");
    const directHeaders = async () => {
      const token = await new SignJWT({})
        .setProtectedHeader({ alg: "ES256" })
        .setIssuer(GATEWAY_ISSUER)
        .setAudience(instanceAudience(runtimeId))
        .setSubject(runtimeId)
        .setIssuedAt()
        .setExpirationTime("60s")
        .sign(signingKey);
      return { authorization: `Bearer ${token}` };
    };
    const gatewayHeaders = { "x-api-key": apiKey, "x-instance-id": "bench" };
    await load(`${instanceUrl}/session/status`, await directHeaders(), 2);
    await load(`${gatewayUrl}/session/status`, gatewayHeaders, 2);
    const direct = await load(`${instanceUrl}/session/status`, await directHeaders(), durationSeconds);
    const viaGateway = await load(`${gatewayUrl}/session/status`, gatewayHeaders, durationSeconds);
    return { direct, viaGateway };
  } finally {
    await Promise.all([gateway.child.stop(), instance.child.stop(), simulator.child.stop()]);
    await control.close();
  }
}
