// The gateway serves the route table: implemented operations are forwarded (with the request id the
// instance puts in its problems), planned ones answer 501 NOT_IMPLEMENTED without reaching the
// instance, and a literal path is never taken by a parameter (GET /contacts/blocklist).
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { describe, it } from "node:test";
import { Problem, problemBody } from "@wsapi/contracts/problems";
import { memoryRateLimiter } from "../src/adapters/rateLimiter.js";
import { ensureAccount, revealAccountKey } from "../src/core/accounts.js";
import type { Instance } from "../src/core/instances.js";
import { ApiKeyVerifier } from "../src/core/keyVerifier.js";
import { createLogger, logEvents } from "../src/core/logs.js";
import { createApiApp } from "../src/http/api/app.js";
import { fakeClock, memoryAccountStore, memoryKeyRing } from "./memoryStores.js";

async function gateway(answer: (url: string, headers: Record<string, string>) => Response) {
  const memory = memoryAccountStore();
  const logs = logEvents(createLogger(() => {}));
  const clock = fakeClock();
  const deps = {
    store: memory.store,
    keyRing: memoryKeyRing({ 1: randomBytes(32) }, 1),
    pepper: randomBytes(32),
    clock,
    logs,
  };
  memory.plans.set("free", { id: "free", instanceLimit: 1, requestsPerMinute: 1_000 });
  await ensureAccount(deps, "acct", "dev@example.com", "acct");
  const apiKey = await revealAccountKey(deps, "acct", "req_setup");
  const instance = {
    instanceId: "sales",
    accountId: "acct",
    runtimeId: "isales",
    runtime: { state: "running", url: "http://127.0.0.1:1", updatedAt: 0 },
  } as unknown as Instance;
  const forwarded: string[] = [];
  const app = createApiApp({
    verifier: new ApiKeyVerifier(memory.store, deps.pepper, clock),
    instanceDeps: async () => {
      throw new Error("not used");
    },
    findInstance: async (accountId, instanceId) =>
      accountId === "acct" && instanceId === "sales" ? instance : undefined,
    forgetInstance: () => {},
    signToken: async () => "token",
    idToken: async () => "id-token",
    rateLimit: memoryRateLimiter(),
    forward: async (url, init) => {
      forwarded.push(`${init.method} ${new URL(url).pathname}`);
      return answer(url, init.headers);
    },
    logs,
    production: false,
  });
  const call = (method: string, path: string) =>
    app.request(path, { method, headers: { "x-api-key": apiKey, "x-instance-id": "sales" } });
  return { call, forwarded };
}

const noContent = () => new Response(null, { status: 204 });

describe("gateway routes from the route table", () => {
  it("answers a planned operation 501 NOT_IMPLEMENTED with code and request id, never forwarding it", async () => {
    const { call, forwarded } = await gateway(noContent);
    for (const [method, path] of [
      ["GET", "/contacts/blocklist"],
      ["DELETE", "/chats/15551234567@s.whatsapp.net"],
      ["POST", "/session/flush-history"],
    ] as const) {
      const response = await call(method, path);
      assert.equal(response.status, 501, `${method} ${path}`);
      const problem = Problem.parse(await response.json());
      assert.equal(problem.code, "NOT_IMPLEMENTED");
      assert.equal(problem.requestId, response.headers.get("x-request-id"));
    }
    assert.deepEqual(forwarded, []);
  });

  it("forwards the presence subscription the instance serves", async () => {
    const { call, forwarded } = await gateway(noContent);
    const response = await call("PUT", "/chats/15551234567@s.whatsapp.net/presence/subscribe");
    assert.equal(response.status, 204);
    assert.deepEqual(forwarded, ["PUT /chats/15551234567@s.whatsapp.net/presence/subscribe"]);
  });

  it("passes an instance's problem on with its code and the gateway's request id", async () => {
    // The instance answers with the X-Request-Id the gateway sent it (instance/src/http/problem.ts).
    const { call } = await gateway((_url, headers) =>
      Response.json(problemBody("NOT_PAIRED", "device not paired", headers["x-request-id"]), {
        status: 409,
        headers: { "content-type": "application/problem+json" },
      }),
    );
    const response = await call("GET", "/chats");
    assert.equal(response.status, 409);
    const problem = Problem.parse(await response.json());
    assert.equal(problem.code, "NOT_PAIRED");
    assert.match(problem.requestId ?? "", /^req_/);
    assert.equal(problem.requestId, response.headers.get("x-request-id"));
  });
});
