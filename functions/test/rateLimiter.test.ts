import assert from "node:assert/strict";
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { createServer } from "node:net";
import { after, before, describe, it } from "node:test";
import { redisArgs } from "../../scripts/stack/redis.js";
import {
  authFailureLimiter,
  INSURANCE_MAX_KEYS,
  limiterFactory,
  planRateLimiter,
  redisClient,
} from "../src/adapters/rateLimiter.js";
import { createLogger, logEvents } from "../src/core/logs.js";
import { clientAddress } from "../src/http/common/clientAddress.js";

// The shared rate-limit store and its insurance: counters in Redis are global across function
// instances; with Redis unreachable each instance answers from a bounded memory limiter and logs
// one named warning per outage.

function capturedLogs() {
  const lines: Array<Record<string, unknown>> = [];
  return { lines, logs: logEvents(createLogger((line) => lines.push(JSON.parse(line)))) };
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

const secret = Buffer.alloc(32, 7);
const hasRedis = spawnSync("sh", ["-c", "command -v redis-server"]).status === 0;

describe("insurance limiter (Redis unreachable)", () => {
  it("answers from memory, keeps the limit per instance, and logs one warning per outage", async () => {
    const { lines, logs } = capturedLogs();
    // Nothing listens there: every command fails fast and goes to the insurance limiter.
    const client = await redisClient(`redis://127.0.0.1:${await freePort()}`, "pw");
    const factory = limiterFactory({ client, logs, addressSecret: secret });
    try {
      const limit = planRateLimiter(factory);
      const results = [];
      for (let i = 0; i < 8; i++) results.push(await limit("acct-1", 5));
      assert.deepEqual(
        results.map((r) => r.allowed),
        [true, true, true, true, true, false, false, false],
      );
      assert.equal(results[0]!.limit, 5);
      assert.equal(results[0]!.remaining, 4);
      assert.ok(results[7]!.resetSeconds >= 1);
      const warnings = lines.filter((l) => l.event === "ratelimit.store_unavailable");
      assert.equal(warnings.length, 1, "one warning for the outage, not one per request");
      assert.equal(warnings[0]!.severity, "WARNING");
    } finally {
      await factory.close();
    }
  });

  it("is bounded: past its key bound the insurance limiter's counters restart", async () => {
    const factory = limiterFactory({
      client: null,
      logs: capturedLogs().logs,
      addressSecret: secret,
      maxKeys: 100,
    });
    const limit = factory.window("bounded", 1, 60);
    assert.equal((await limit.consume("k0")).allowed, true);
    assert.equal((await limit.consume("k0")).allowed, false);
    for (let i = 1; i <= 100; i++) await limit.consume(`k${i}`);
    assert.equal((await limit.consume("k0")).allowed, true, "k0's counter went with the reset");
    assert.ok(INSURANCE_MAX_KEYS >= 1_000);
  });

  it("stores client addresses only as HMACs", () => {
    const factory = limiterFactory({ client: null, logs: capturedLogs().logs, addressSecret: secret });
    const key = factory.addressKey("203.0.113.7");
    assert.doesNotMatch(key, /203|113/);
    assert.equal(key, factory.addressKey("203.0.113.7"));
    assert.notEqual(key, factory.addressKey("203.0.113.8"));
  });
});

describe("shared counters on redis-server", {
  skip: hasRedis ? false : "redis-server is not installed",
}, () => {
  let server: ChildProcess;
  let port: number;
  before(async () => {
    port = await freePort();
    server = spawn("redis-server", redisArgs(port, "pw"), { stdio: "ignore" });
    for (let i = 0; i < 50; i++) {
      const probe = await redisClient(`redis://127.0.0.1:${port}`, "pw");
      probe.on("error", () => {});
      const ok = await new Promise<boolean>((resolve) => {
        probe.once("ready", () => resolve(true));
        setTimeout(() => resolve(false), 200);
      });
      probe.disconnect();
      if (ok) return;
    }
    throw new Error("redis-server did not start");
  });
  after(() => {
    server.kill("SIGTERM");
  });

  async function instance() {
    const { lines, logs } = capturedLogs();
    const client = await redisClient(`redis://127.0.0.1:${port}`, "pw");
    await new Promise((resolve) => client.once("ready", resolve));
    return { lines, factory: limiterFactory({ client, logs, addressSecret: secret }) };
  }

  it("two function instances share one plan limit", async () => {
    const [a, b] = [await instance(), await instance()];
    try {
      const account = `acct-${Date.now()}`;
      const [limitA, limitB] = [planRateLimiter(a.factory), planRateLimiter(b.factory)];
      const results = await Promise.all(
        Array.from({ length: 40 }, (_, i) => (i % 2 ? limitA : limitB)(account, 10)),
      );
      assert.equal(results.filter((r) => r.allowed).length, 10);
      assert.equal(a.lines.length + b.lines.length, 0, "no fallback, no warning");
    } finally {
      await a.factory.close();
      await b.factory.close();
    }
  });

  it("failed authentications block an address across instances", async () => {
    const [a, b] = [await instance(), await instance()];
    try {
      const address = `198.51.100.${Date.now() % 250}`;
      const [fa, fb] = [authFailureLimiter(a.factory), authFailureLimiter(b.factory)];
      for (let i = 0; i < 30; i++) await (i % 2 ? fa : fb).record(address);
      assert.ok((await fa.blockedFor(address, "forged-digest")) > 0);
      assert.ok((await fb.blockedFor(address, "forged-digest")) > 0);
      assert.equal(await fb.blockedFor("192.0.2.1", "forged-digest"), 0);
      // A key verified on instance a is not locked out on instance b, which never saw it.
      const digest = `real-${Date.now()}`;
      await fa.validated(digest);
      assert.equal(await fb.blockedFor(address, digest), 0);
    } finally {
      await a.factory.close();
      await b.factory.close();
    }
  });
});

describe("client address", () => {
  const headers = (xff?: string) => new Headers(xff ? { "x-forwarded-for": xff } : {});
  it("behind Google's load balancer: the entry left of the balancer's own, whatever the client claims", () => {
    assert.equal(clientAddress(headers("203.0.113.7, 34.1.2.3"), 1), "203.0.113.7");
    assert.equal(clientAddress(headers("6.6.6.6, 203.0.113.7, 34.1.2.3"), 1), "203.0.113.7");
  });
  it("locally (no proxy): the right-most entry; no header is the single address 'unknown'", () => {
    assert.equal(clientAddress(headers("198.18.0.9"), 0), "198.18.0.9");
    assert.equal(clientAddress(headers(), 0), "unknown");
    assert.equal(clientAddress(headers("203.0.113.7"), 1), "203.0.113.7");
  });
});
