import { randomBytes } from "node:crypto";
import { createServer } from "node:http";
import { instanceForwarder } from "../../functions/src/adapters/forwarder.js";
import { gatewayTokenSigner } from "../../functions/src/adapters/gatewayTokens.js";
import { cachedIdTokens, metadataIdTokens } from "../../functions/src/adapters/idTokens.js";
import { memoryRateLimiter } from "../../functions/src/adapters/rateLimiter.js";
import { ensureAccount, revealAccountKey } from "../../functions/src/core/accounts.js";
import type { Instance } from "../../functions/src/core/instances.js";
import { ApiKeyVerifier } from "../../functions/src/core/keyVerifier.js";
import { createLogger, logEvents } from "../../functions/src/core/logs.js";
import { systemClock } from "../../functions/src/core/ports/clock.js";
import { createApiApp } from "../../functions/src/http/api/app.js";
import { functionsHandler } from "../../functions/src/http/common/fromFunctions.js";
import { fakeClock, memoryAccountStore, memoryKeyRing } from "../../functions/test/support/memoryStores.js";

// The real gateway app (key verification, rate limit, token signing, forwarding) in its own
// process, behind the adapter the `api` trigger uses (functionsHandler), with in-memory stores so the
// benchmark measures the gateway, not Firestore. ID tokens come from the metadata stand-in the
// benchmark passes in GCE_METADATA_HOST, as in production.
const { instanceUrl, runtimeId, privateJwk } = JSON.parse(process.env.BENCH_GATEWAY ?? "{}");
const memory = memoryAccountStore();
const logs = logEvents(createLogger(() => {}));
const accountDeps = {
  store: memory.store,
  keyRing: memoryKeyRing({ 1: randomBytes(32) }, 1),
  pepper: randomBytes(32),
  clock: fakeClock(),
  logs,
};
memory.plans.set("free", { id: "free", instanceLimit: 1, requestsPerMinute: 10_000_000 });
await ensureAccount(accountDeps, "bench", "bench@example.com", "bench");
const apiKey = await revealAccountKey(accountDeps, "bench", "req_bench");
const instance = {
  instanceId: "bench",
  accountId: "bench",
  runtimeId,
  runtime: { state: "running", url: instanceUrl, updatedAt: 0 },
} as unknown as Instance;

const idTokens = cachedIdTokens(metadataIdTokens());
const app = createApiApp({
  verifier: new ApiKeyVerifier(memory.store, accountDeps.pepper, systemClock),
  instanceDeps: async () => {
    throw new Error("not used by the benchmark");
  },
  findInstance: async (accountId, instanceId) =>
    accountId === "bench" && instanceId === "bench" ? instance : undefined,
  forgetInstance: () => {},
  signToken: await gatewayTokenSigner(privateJwk),
  idToken: (audience) => idTokens.get(audience),
  rateLimit: memoryRateLimiter(),
  forward: instanceForwarder(),
  logs,
  production: false,
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
