import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { describe, it } from "node:test";
import type { EventEnvelope } from "@wsapi/contracts/events";
import { INSTANCE_ROUTES } from "@wsapi/contracts/routes";
import { Hono } from "hono";
import { type IngestDeps, ingestEvents } from "../src/core/eventIngest.js";
import type { InstanceDeps } from "../src/core/instanceService.js";
import { createLogger, logEvents } from "../src/core/logs.js";
import type { Plan } from "../src/core/ports/accounts.js";
import {
  type Histogram,
  HOUR_MS,
  LATENCY_BUCKETS,
  latencyBucket,
  mergeCounters,
  percentile,
  STATS_SHARDS,
  shardOf,
} from "../src/core/stats/counters.js";
import { countAttempt, countIngested, eventTime, type StatsRecorder } from "../src/core/stats/record.js";
import { InstanceStats, statsView } from "../src/core/stats/view.js";
import type { HttpOutcome } from "../src/core/webhooks/delivery.js";
import { enqueueDeliveries } from "../src/core/webhooks/enqueue.js";
import { handleDeliveryTask } from "../src/core/webhooks/worker.js";
import { buildOpenApi } from "../src/http/api/openapi.js";
import { isMessageSend } from "../src/http/api/sendStats.js";
import { installErrorHandling } from "../src/http/common/problem.js";
import { registerInstanceRoutes } from "../src/http/instances/routes.js";
import { memoryEventLog } from "./support/memoryEventLog.js";
import { memoryGateway } from "./support/memoryGateway.js";
import { memoryStats } from "./support/memoryStats.js";
import { fakeClock, memoryKeyRing } from "./support/memoryStores.js";
import { memoryInstances, testInstance, webhookWorld } from "./support/webhookMemory.js";

const T0 = 1_700_000_000_000; // 22:13:20 UTC: not on an hour boundary
const OWNER = { accountId: "acct-1", instanceId: "sales-1" };

/** A small seeded generator, so the sampled distributions are the same on every run. */
function mulberry32(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const histogramOf = (samples: number[]): Histogram => {
  const histogram: Histogram = {};
  for (const ms of samples) histogram[latencyBucket(ms)] = (histogram[latencyBucket(ms)] ?? 0) + 1;
  return histogram;
};

/** The exact nearest-rank percentile. */
const exact = (samples: number[], p: number) => {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.max(1, Math.ceil(p * sorted.length)) - 1]!;
};

function message(eventId: string, options: { isMe?: boolean; isStatus?: boolean } = {}) {
  return {
    eventId,
    instanceId: "runtime",
    receivedAt: new Date(Number(eventId.slice(4, 17))).toISOString(),
    eventType: "message",
    eventData: {
      id: "3EB0AA",
      time: "2026-01-01T00:00:00.000Z",
      chatId: "15551230000@s.whatsapp.net",
      sender: { id: "15551230000@s.whatsapp.net", isMe: options.isMe ?? false },
      type: "text",
      text: "not counted, never stored",
      ...(options.isStatus ? { isStatus: true } : {}),
    },
  } as EventEnvelope;
}

const evt = (at: number, n: number) => `evt_${at}_${n.toString(16).padStart(16, "0")}`;

function recorder(start = T0) {
  const stats = memoryStats();
  const clock = fakeClock(start);
  const failures: unknown[] = [];
  const rec: StatsRecorder = { store: stats.store, clock, failed: (error) => failures.push(error) };
  const read = async (range: "24h" | "7d" = "24h") =>
    statsView(
      OWNER.instanceId,
      range,
      await stats.store.since(OWNER.accountId, OWNER.instanceId, 0),
      clock.now(),
    );
  return { stats, clock, failures, rec, read };
}

describe("latency histogram", () => {
  it("puts every latency in the bucket whose bounds hold it", () => {
    const random = mulberry32(1);
    const values = [1, 1.5, 2, 4, 1000, 2 ** 10, 2 ** 10.25, 2 ** 10.25 - 1e-9, 86_400_000];
    for (let i = 0; i < 5000; i++) values.push(2 ** (random() * 29));
    for (const ms of values) {
      const bucket = latencyBucket(ms);
      assert.ok(2 ** (bucket / 4) <= ms, `${ms} ≥ lower bound of ${bucket}`);
      assert.ok(ms < 2 ** ((bucket + 1) / 4), `${ms} < upper bound of ${bucket}`);
    }
  });

  it("clamps what falls outside: under 1 ms, negative and NaN to the first bucket, weeks to the last", () => {
    assert.equal(latencyBucket(0.2), 0);
    assert.equal(latencyBucket(-50), 0);
    assert.equal(latencyBucket(Number.NaN), 0);
    assert.equal(latencyBucket(30 * 24 * HOUR_MS), LATENCY_BUCKETS - 1);
  });

  it("p50 and p95 from the buckets are within one bucket width (19 %) of the exact values", () => {
    const random = mulberry32(7);
    // Log-normal around 800 ms, plus a tail of retried deliveries minutes later.
    const samples = Array.from({ length: 4000 }, () => {
      const normal = Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
      return random() < 0.08 ? 300_000 * (1 + random()) : 800 * Math.exp(0.5 * normal);
    });
    const histogram = histogramOf(samples);
    for (const p of [0.5, 0.95]) {
      const estimate = percentile(histogram, p)!;
      const truth = exact(samples, p);
      assert.ok(Math.abs(estimate - truth) / truth < 0.19, `p${p * 100}: ${estimate} vs exact ${truth}`);
    }
  });

  it("merging shards' buckets gives the percentiles of all their samples together", () => {
    const random = mulberry32(3);
    const samples = Array.from({ length: 999 }, () => 50 + random() * 5000);
    const shards = [samples.slice(0, 100), samples.slice(100, 600), samples.slice(600)].map(histogramOf);
    const merged = shards.reduce(
      (sum, latency) => mergeCounters(sum, { latency }),
      mergeCounters(
        { messagesIn: 0, messagesOut: 0, webhooksSucceeded: 0, webhooksFailed: 0, latency: {} },
        {},
      ),
    ).latency;
    assert.deepEqual(merged, histogramOf(samples));
    assert.equal(percentile(merged, 0.5), percentile(histogramOf(samples), 0.5));
  });

  it("answers null without samples, and one sample's value within its bucket", () => {
    assert.equal(percentile({}, 0.5), null);
    assert.equal(percentile({ 12: 0 }, 0.95), null);
    const one = percentile(histogramOf([1234]), 0.5)!;
    assert.equal(latencyBucket(one), latencyBucket(1234));
    const p50 = percentile(histogramOf([10, 20, 30, 40, 5000]), 0.5)!;
    const p95 = percentile(histogramOf([10, 20, 30, 40, 5000]), 0.95)!;
    assert.equal(latencyBucket(p50), latencyBucket(30));
    assert.equal(latencyBucket(p95), latencyBucket(5000));
  });

  it("spreads writers over the shards", () => {
    const used = new Set(Array.from({ length: 200 }, (_, n) => shardOf(`dlv_${n}`)));
    assert.equal(used.size, STATS_SHARDS);
    assert.equal(shardOf("dlv_1"), shardOf("dlv_1"));
  });
});

describe("counting", () => {
  it("counts message events in and out by sender, ignoring status updates and other events", async () => {
    const { rec, read } = recorder();
    const receipt = { ...message(evt(T0, 9)), eventType: "message_read" } as unknown as EventEnvelope;
    await countIngested(rec, OWNER, [
      message(evt(T0 - 1000, 1)),
      message(evt(T0 - 900, 2)),
      message(evt(T0 - 800, 3), { isMe: true }),
      message(evt(T0 - 700, 4), { isStatus: true }),
      receipt,
    ]);
    const { totals } = await read();
    assert.equal(totals.messagesIn, 2);
    assert.equal(totals.messagesOut, 1);
    assert.equal(totals.webhooksSucceeded + totals.webhooksFailed, 0);
  });

  it("files events under the hour the instance received them, one write per hour", async () => {
    const { rec, read, stats } = recorder();
    const lastHour = T0 - HOUR_MS;
    await countIngested(rec, OWNER, [
      message(evt(lastHour, 1)),
      message(evt(lastHour + 1, 2)),
      message(evt(T0, 3)),
      // A clock ahead of ours counts now, never in the future.
      message(evt(T0 + 5 * HOUR_MS, 4)),
    ]);
    assert.equal(stats.docs.size, 2);
    const { hours } = await read();
    assert.equal(hours.at(-1)!.messagesIn, 2);
    assert.equal(hours.at(-2)!.messagesIn, 2);
    assert.equal(
      eventTime({ eventId: "not-an-id", receivedAt: "2026-01-01T00:00:00.000Z" }),
      Date.parse("2026-01-01"),
    );
    assert.equal(eventTime({ eventId: "not-an-id" }), undefined);
  });

  it("never fails the work it counts: a failed write is reported", async () => {
    const { rec, stats, failures } = recorder();
    stats.failWrites(1);
    await countIngested(rec, OWNER, [message(evt(T0, 1))]);
    assert.equal(failures.length, 1);
    await countAttempt(
      rec,
      { ...OWNER, deliveryId: "dlv_x", eventId: evt(T0, 1), createdAt: T0 },
      { succeeded: true },
    );
    assert.equal(stats.docs.size, 1);
  });

  it("ingest counts a batch once it is delivered on, and nothing for a suspended account", async () => {
    for (const active of [true, false]) {
      const { rec, read, clock } = recorder();
      const instance = testInstance();
      const deps: IngestDeps = {
        instances: memoryInstances([instance]).store,
        accountActive: async () => active,
        clock,
        webhooks: { enqueue: async () => {} },
        eventLog: {
          log: memoryEventLog().store,
          keyRing: memoryKeyRing({ 1: randomBytes(32) }, 1),
          clock,
          retentionMs: 24 * HOUR_MS,
        },
        stats: rec,
      };
      await ingestEvents(deps, instance, [message(evt(T0, 1)), message(evt(T0, 2), { isMe: true })]);
      const { totals } = await read();
      assert.deepEqual([totals.messagesIn, totals.messagesOut], active ? [1, 1] : [0, 0]);
    }
  });

  it("the webhook worker counts each attempt once, and the latency from the event's arrival", async () => {
    const script: HttpOutcome[] = [
      { kind: "response", status: 500, durationMs: 30 },
      { kind: "error", error: "timeout", detail: "timeout", durationMs: 15_000 },
      { kind: "response", status: 200, durationMs: 40 },
    ];
    const world = webhookWorld({ respond: (index) => script[index]!, start: T0 });
    const { rec, read } = recorder();
    rec.clock = world.clock;
    world.deps.stats = rec;
    const arrived = T0 - 2_000;
    const eventId = evt(arrived, 1);
    await enqueueDeliveries(world.enqueueDeps, world.instance, "http://127.0.0.1:9/hook", [
      { eventId, eventType: "message", body: "{}" },
    ]);
    await world.drain();
    const deliveredAfter = world.sent.at(-1)!.at - arrived;
    const { totals } = await read();
    assert.equal(totals.webhooksFailed, 2);
    assert.equal(totals.webhooksSucceeded, 1);
    assert.equal(totals.webhookSuccessRate, 0.3333);
    assert.equal(latencyBucket(totals.latencyMs.p50!), latencyBucket(deliveredAfter));
    assert.equal(latencyBucket(totals.latencyMs.p95!), latencyBucket(deliveredAfter));
    // The last task run again (as after a crash) finds its attempt recorded and counts nothing more.
    const [record] = world.deliveries.records.values();
    const { accountId, instanceId, deliveryId } = record!;
    const task = { v: 1, accountId, instanceId, deliveryId, trigger: "scheduled", seq: 3, dueAt: 0 };
    await handleDeliveryTask(task, world.deps);
    assert.equal(world.sent.length, 3);
    assert.equal((await read()).totals.webhooksSucceeded, 1);
  });

  it("counts the route table's ten message sends as API sends, nothing else", () => {
    const sends = INSTANCE_ROUTES.filter(isMessageSend).map((route) => route.operationId);
    assert.deepEqual(sends.sort(), [
      "sendAudio",
      "sendContact",
      "sendDocument",
      "sendImage",
      "sendLink",
      "sendLocation",
      "sendSticker",
      "sendText",
      "sendVideo",
      "sendVoice",
    ]);
  });
});

describe("the stats view", () => {
  const now = Date.parse("2026-12-02T14:25:00.000Z");
  const hour = (iso: string) => Date.parse(iso);
  const shard = (iso: string, counters: Partial<InstanceStats["totals"]> & { latency?: Histogram }) => ({
    hour: hour(iso),
    messagesIn: 0,
    messagesOut: 0,
    webhooksSucceeded: 0,
    webhooksFailed: 0,
    latency: {},
    ...counters,
  });

  it("has one row per hour of the range, the current hour last, shards merged, zeros filled in", () => {
    const view = statsView(
      "sales",
      "24h",
      [
        shard("2026-12-02T14:00:00.000Z", {
          messagesIn: 3,
          webhooksSucceeded: 2,
          latency: histogramOf([500, 700]),
        }),
        shard("2026-12-02T14:00:00.000Z", {
          messagesOut: 4,
          webhooksSucceeded: 1,
          latency: histogramOf([900]),
        }),
        shard("2026-12-01T15:00:00.000Z", { messagesIn: 1, webhooksFailed: 1 }),
        // Outside the range: a day and an hour ago, and a clock ahead of ours.
        shard("2026-12-01T14:00:00.000Z", { messagesIn: 100 }),
        shard("2026-12-02T15:00:00.000Z", { messagesIn: 100 }),
      ],
      now,
    );
    InstanceStats.parse(view);
    assert.equal(view.hours.length, 24);
    assert.equal(view.from, "2026-12-01T15:00:00.000Z");
    assert.equal(view.to, "2026-12-02T14:25:00.000Z");
    assert.equal(view.hours[0]!.start, "2026-12-01T15:00:00.000Z");
    assert.equal(view.hours.at(-1)!.start, "2026-12-02T14:00:00.000Z");
    assert.deepEqual(
      [view.hours[0]!.messagesIn, view.hours[0]!.webhooksFailed, view.hours[0]!.latencyMs.p50],
      [1, 1, null],
    );
    const last = view.hours.at(-1)!;
    assert.deepEqual([last.messagesIn, last.messagesOut, last.webhooksSucceeded], [3, 4, 3]);
    assert.equal(latencyBucket(last.latencyMs.p50!), latencyBucket(700));
    assert.equal(
      view.hours.slice(1, -1).every((row) => row.messagesIn === 0 && row.latencyMs.p95 === null),
      true,
    );
    assert.deepEqual(
      [
        view.totals.messagesIn,
        view.totals.messagesOut,
        view.totals.webhooksSucceeded,
        view.totals.webhooksFailed,
      ],
      [4, 4, 3, 1],
    );
    assert.equal(view.totals.webhookSuccessRate, 0.75);
  });

  it("covers 168 hours for 7d, with no success rate or latency when nothing was attempted", () => {
    const view = statsView("sales", "7d", [shard("2026-11-25T15:00:00.000Z", { messagesIn: 2 })], now);
    assert.equal(view.hours.length, 168);
    assert.equal(view.from, "2026-11-25T15:00:00.000Z");
    assert.equal(view.totals.messagesIn, 2);
    assert.equal(view.totals.webhookSuccessRate, null);
    assert.deepEqual(view.totals.latencyMs, { p50: null, p95: null });
  });
});

describe("API sends through the gateway", () => {
  it("counts each send the instance accepted once: not a refused one, a read, or an idempotent replay", async () => {
    const { rec, read } = recorder(Date.now());
    let status = 201;
    const { app, apiKey } = await memoryGateway({
      accountId: OWNER.accountId,
      instance: { instanceId: OWNER.instanceId, runtimeId: "isales", url: "http://127.0.0.1:1" },
      requestsPerMinute: 1_000,
      signToken: async () => "token",
      idToken: async () => "id-token",
      forward: async () => ({
        status,
        headers: { "content-type": "application/json" },
        body: new TextEncoder().encode(status === 201 ? '{"id":"3EB0AA"}' : '{"code":"NOT_PAIRED"}'),
      }),
      stats: rec,
    });
    const call = (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
      app.request(path, {
        method,
        headers: {
          "x-api-key": apiKey,
          "x-instance-id": OWNER.instanceId,
          "content-type": "application/json",
          ...headers,
        },
        ...(body ? { body: JSON.stringify(body) } : {}),
      });
    const text = { to: "15551230000@s.whatsapp.net", text: "hello" };
    assert.equal((await call("POST", "/messages/text", text)).status, 201);
    const location = { to: "15551230000@s.whatsapp.net", latitude: 1, longitude: 2 };
    assert.equal((await call("POST", "/messages/location", location)).status, 201);
    const keyed = { "idempotency-key": "send-once" };
    assert.equal((await call("POST", "/messages/text", text, keyed)).status, 201);
    const replay = await call("POST", "/messages/text", text, keyed);
    assert.equal(replay.headers.get("idempotent-replayed"), "true");
    status = 200;
    await call("GET", "/chats");
    status = 409;
    assert.equal((await call("POST", "/messages/text", text)).status, 409);
    assert.equal((await read()).totals.messagesOut, 3);
  });
});

describe("GET …/instances/{id}/stats", () => {
  async function app() {
    const { rec, clock } = recorder();
    const instance = testInstance();
    const routes = new Hono();
    installErrorHandling(routes, logEvents(createLogger(() => {})));
    const deps = {
      instances: memoryInstances([instance]).store,
      stats: rec.store,
      clock,
    } as unknown as InstanceDeps;
    registerInstanceRoutes(
      routes,
      "/account/instances",
      async (c, next) => {
        c.set("owner", { accountId: instance.accountId, plan: {} as Plan });
        await next();
      },
      async () => deps,
    );
    await countIngested(rec, OWNER, [message(evt(T0 - 10, 1)), message(evt(T0 - 5, 2), { isMe: true })]);
    return { routes };
  }

  it("answers the instance's numbers for 24h by default and for 7d", async () => {
    const { routes } = await app();
    const day = await routes.request("/account/instances/sales-1/stats");
    assert.equal(day.status, 200);
    const body = InstanceStats.parse(await day.json());
    assert.deepEqual(
      [body.range, body.hours.length, body.totals.messagesIn, body.totals.messagesOut],
      ["24h", 24, 1, 1],
    );
    const week = InstanceStats.parse(
      await (await routes.request("/account/instances/sales-1/stats?range=7d")).json(),
    );
    assert.deepEqual([week.range, week.hours.length, week.totals.messagesIn], ["7d", 168, 1]);
  });

  it("refuses an unknown range with a problem naming it, and answers 404 for an unknown instance", async () => {
    const { routes } = await app();
    const bad = await routes.request("/account/instances/sales-1/stats?range=30d");
    assert.equal(bad.status, 400);
    assert.match(bad.headers.get("content-type") ?? "", /application\/problem\+json/);
    const problem = (await bad.json()) as { code: string; detail: string };
    assert.equal(problem.code, "VALIDATION");
    assert.match(problem.detail, /range/);
    const missing = await routes.request("/account/instances/nobody/stats");
    assert.equal(missing.status, 404);
  });
});

describe("/openapi.json", () => {
  it("documents the stats operation as our extension, with its range parameter and answer", () => {
    const op = buildOpenApi(".").paths["/account/instances/{id}/stats"]?.get as unknown as {
      operationId: string;
      "x-wsapi-extension"?: boolean;
      parameters: Array<{ name: string; in: string; required: boolean }>;
      responses: Record<string, { content?: { "application/json": { schema: { required?: string[] } } } }>;
    };
    assert.equal(op.operationId, "getAccountInstanceStats");
    assert.equal(op["x-wsapi-extension"], true);
    assert.deepEqual(
      op.parameters.map((p) => `${p.in}:${p.name}:${p.required}`),
      ["path:id:true", "query:range:false"],
    );
    assert.deepEqual(op.responses["200"]?.content?.["application/json"].schema.required?.sort(), [
      "from",
      "hours",
      "instanceId",
      "range",
      "to",
      "totals",
    ]);
    assert.ok(op.responses["400"] && op.responses["404"]);
  });
});
