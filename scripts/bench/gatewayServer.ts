import { serve } from "@hono/node-server";
import { instanceForwarder } from "../../functions/src/adapters/forwarder.js";
import { gatewayTokenSigner } from "../../functions/src/adapters/gatewayTokens.js";
import { cachedIdTokens, metadataIdTokens } from "../../functions/src/adapters/idTokens.js";
import { memoryGateway } from "../../functions/test/support/memoryGateway.js";

// The real gateway app (key verification, rate limit, token signing, forwarding) in its own
// process, with in-memory stores so the benchmark measures the gateway, not Firestore. ID tokens
// come from the metadata stand-in the benchmark passes in GCE_METADATA_HOST, as in production.
const { instanceUrl, runtimeId, privateJwk } = JSON.parse(process.env.BENCH_GATEWAY ?? "{}");
const idTokens = cachedIdTokens(metadataIdTokens());
const { app, apiKey } = await memoryGateway({
  accountId: "bench",
  instance: { instanceId: "bench", runtimeId, url: instanceUrl },
  requestsPerMinute: 10_000_000,
  signToken: await gatewayTokenSigner(privateJwk),
  idToken: (audience) => idTokens.get(audience),
  forward: instanceForwarder(),
});
const server = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" }, (info) => {
  process.stdout.write(`${JSON.stringify({ url: `http://127.0.0.1:${info.port}`, apiKey })}\n`);
});
process.once("SIGTERM", () => server.close(() => process.exit(0)));
