import { randomBytes } from "node:crypto";
import { serve } from "@hono/node-server";
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
import { fakeClock, memoryAccountStore, memoryKeyRing } from "../../functions/test/support/memoryStores.js";

// The real gateway app (key verification, rate limit, token signing, forwarding) in its own
// process, with in-memory stores so the benchmark measures the gateway, not Firestore. ID tokens
// come from the metadata stand-in the benchmark passes in GCE_METADATA_HOST, as in production.
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
const server = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" }, (info) => {
  process.stdout.write(`${JSON.stringify({ url: `http://127.0.0.1:${info.port}`, apiKey })}\n`);
});
process.once("SIGTERM", () => server.close(() => process.exit(0)));
