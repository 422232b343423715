import { createServer } from "node:http";
import { instanceForwarder } from "../../functions/src/adapters/forwarder.js";
import { gatewayTokenSigner } from "../../functions/src/adapters/gatewayTokens.js";
import { cachedIdTokens, metadataIdTokens } from "../../functions/src/adapters/idTokens.js";
import { functionsHandler } from "../../functions/src/http/common/fromFunctions.js";
import { memoryGateway } from "../../functions/test/support/memoryGateway.js";

// The real gateway app (key verification, rate limit, token signing, forwarding) in its own
// process, behind the adapter the `api` trigger uses (functionsHandler), with in-memory stores so the
// benchmark measures the gateway, not Firestore. ID tokens come from the metadata stand-in the
// benchmark passes in GCE_METADATA_HOST, as in production.
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
