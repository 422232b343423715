import { createServer } from "node:http";
import { instanceForwarder } from "../../functions/src/adapters/forwarder.js";
import { gatewayTokenSigner } from "../../functions/src/adapters/gatewayTokens.js";
import { cachedIdTokens, metadataIdTokens } from "../../functions/src/adapters/idTokens.js";
import { plainSink, startMetrics } from "../../functions/src/adapters/metrics.js";
import { functionsHandler } from "../../functions/src/http/common/fromFunctions.js";
import { memoryGateway } from "../../functions/test/support/memoryGateway.js";

// The real gateway app (key verification, rate limit, token signing, forwarding) in its own
// process, behind the adapter the `api` trigger uses (functionsHandler), with in-memory stores so the
// benchmark measures the gateway, not Firestore. ID tokens come from the metadata stand-in the
// benchmark passes in GCE_METADATA_HOST, as in production.
const { instanceUrl, runtimeId, privateJwk, metricsUrl } = JSON.parse(process.env.BENCH_GATEWAY ?? "{}");
const idTokens = cachedIdTokens(metadataIdTokens());
// With a collector URL, request metrics are on, exported as in production but every 5 s, so a
// 10 s run pays for exports too.
const metrics = metricsUrl
  ? (
      await startMetrics({
        fn: "api",
        projectId: "demo-wsapi",
        region: "europe-west1",
        sink: plainSink(metricsUrl),
        exportIntervalMs: 5_000,
      })
    ).metrics
  : undefined;
const { app, apiKey } = await memoryGateway({
  accountId: "bench",
  instance: { instanceId: "bench", runtimeId, url: instanceUrl },
  requestsPerMinute: 10_000_000,
  signToken: await gatewayTokenSigner(privateJwk),
  idToken: (audience) => idTokens.get(audience),
  forward: instanceForwarder(),
  ...(metrics ? { metrics } : {}),
});
const handler = functionsHandler(async () => app.fetch);
const server = createServer(async (req, res) => {
  // The Functions framework has read the body into rawBody before the trigger's handler runs.
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk);
  await handler(Object.assign(req, { rawBody: Buffer.concat(chunks) }), res);
});
server.listen(0, "127.0.0.1", () => {
  const { port } = server.address() as { port: number };
  process.stdout.write(`${JSON.stringify({ url: `http://127.0.0.1:${port}`, apiKey })}\n`);
});
process.once("SIGTERM", () => server.close(() => process.exit(0)));
