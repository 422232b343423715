import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { enqueueDeliveries } from "../src/core/webhooks/enqueue.js";
import {
  JITTER_RATIO,
  MAX_RETRY_AFTER_MS,
  MAX_SCHEDULED_ATTEMPTS,
  nextRetryDelay,
  parseRetryAfter,
  RETRY_DELAYS_MS,
} from "../src/core/webhooks/schedule.js";
import { webhookWorld } from "./support/webhookMemory.js";

const noJitter = { scale: 1, random: () => 0.5 };
const minute = 60_000;
const hour = 60 * minute;

async function failingForever() {
  const world = webhookWorld({ respond: () => ({ kind: "response", status: 503, durationMs: 5 }) });
  const body = JSON.stringify({ eventId: "evt_1", eventType: "message" });
  await enqueueDeliveries(world.enqueueDeps, world.instance, "http://127.0.0.1:9/hook", [
    { eventId: "evt_1", eventType: "message", body },
  ]);
  return world;
}

describe("retry schedule", () => {
  it("is 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 14 h, 20 h, 24 h, then exhausted", () => {
    assert.deepEqual(RETRY_DELAYS_MS, [
      5_000,
      5 * minute,
      30 * minute,
      2 * hour,
      5 * hour,
      10 * hour,
      14 * hour,
      20 * hour,
      24 * hour,
    ]);
    assert.equal(MAX_SCHEDULED_ATTEMPTS, 10);
    for (const [index, delay] of RETRY_DELAYS_MS.entries()) {
      assert.equal(nextRetryDelay(index + 1, undefined, noJitter), delay);
    }
    assert.equal(nextRetryDelay(10, undefined, noJitter), undefined);
    assert.equal(nextRetryDelay(0, undefined, noJitter), undefined);
  });

  it("keeps jitter within ±10 % of each step (property)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 9 }),
        fc.double({ min: 0, max: 0.999999, noNaN: true }),
        (n, r) => {
          const delay = nextRetryDelay(n, undefined, { scale: 1, random: () => r })!;
          const base = RETRY_DELAYS_MS[n - 1]!;
          assert.ok(Math.abs(delay - base) <= base * JITTER_RATIO + 1, `${delay} vs ${base}`);
        },
      ),
    );
  });

  it("honours Retry-After when it asks for longer, up to 24 h, never shorter than the schedule", () => {
    assert.equal(nextRetryDelay(1, 120_000, noJitter), 120_000);
    assert.equal(nextRetryDelay(1, 1_000, noJitter), 5_000);
    assert.equal(nextRetryDelay(1, 7 * 24 * hour, noJitter), MAX_RETRY_AFTER_MS);
    const now = Date.parse("2025-05-19T00:00:00Z");
    assert.equal(parseRetryAfter("120", now), 120_000);
    assert.equal(parseRetryAfter("Mon, 19 May 2025 00:10:00 GMT", now), 10 * minute);
    assert.equal(parseRetryAfter("Sun, 18 May 2025 00:10:00 GMT", now), 0);
    for (const bad of [undefined, "", "soon", "-5", "1.5", "2025-05-19"])
      assert.equal(parseRetryAfter(bad, now), undefined);
  });

  it("scales every step for the emulators", () => {
    assert.equal(nextRetryDelay(9, undefined, { scale: 0.001, random: () => 0.5 }), 86_400);
  });

  it("runs to exhausted on a fake clock: ten attempts at the scheduled times, then nothing", async () => {
    const world = await failingForever();
    const start = world.clock.now();
    await world.drain();
    const times = world.sent.map((request) => request.at - start);
    let expected = 0;
    assert.deepEqual(times, [0, ...RETRY_DELAYS_MS.map((delay) => (expected += delay))]);
    const [record] = world.deliveries.records.values();
    assert.equal(record!.state, "exhausted");
    assert.equal(record!.nextAttemptAt, null);
    assert.equal(record!.attemptCount, 10);
    const attempts = [...world.deliveries.attempts.values()][0]!;
    assert.deepEqual(
      attempts.map((attempt) => attempt.attemptNumber),
      [1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
    );
    assert.ok(attempts.every((attempt) => attempt.statusCode === 503 && attempt.trigger === "scheduled"));
    assert.equal(attempts.at(-1)!.state, "exhausted");
    assert.equal(world.queued.queue.length, 0);
    // Roughly three days from first attempt to exhaustion.
    assert.equal(world.clock.now() - start, 75.5 * hour + 5 * minute + 5_000);
  });

  it("spreads retries with jitter but keeps them in order", async () => {
    const world = await failingForever();
    let seed = 7;
    world.deps.schedule = {
      scale: 1,
      random: () => {
        seed = (seed * 48271) % 2147483647;
        return seed / 2147483647;
      },
    };
    await world.drain();
    const times = world.sent.map((request) => request.at);
    assert.equal(times.length, 10);
    assert.ok(times.every((time, index) => index === 0 || time > times[index - 1]!));
  });
});
