import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { crc32 } from "../../functions/src/core/apiKey.js";
import { json, STRONG_PASSWORD, signUpAndSignIn, stack, uniqueEmail } from "../support/stack.js";
import { accountKeyOf, setPlan } from "../support/tenants.js";

// Issue 13, items 1–3, as an outside client sees them: the plan limit is global (Redis, not each
// function worker's memory), forged keys are throttled per client address before any lookup while a
// real key from that address keeps working, and sign-ups are throttled per address. Locally the
// client address is the right-most X-Forwarded-For entry, so each test acts as a client of its own.
const { gateway, dashboard } = stack();

const ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
/** A forged key of the public format: a random body and its CRC32 checksum in base62. */
function forgedKey(): string {
  let body = "";
  for (let i = 0; i < 32; i++) body += ALPHABET[Math.floor(Math.random() * 62)];
  let rest = crc32(body);
  let checksum = "";
  for (let i = 0; i < 6; i++) {
    checksum = ALPHABET[rest % 62] + checksum;
    rest = Math.floor(rest / 62);
  }
  return `wsk_${body}${checksum}`;
}

async function inBatches<T>(total: number, size: number, call: (i: number) => Promise<T>): Promise<T[]> {
  const results: T[] = [];
  for (let start = 0; start < total; start += size) {
    const batch = Array.from({ length: Math.min(size, total - start) }, (_, i) => call(start + i));
    results.push(...(await Promise.all(batch)));
  }
  return results;
}

const count = (statuses: number[], status: number) => statuses.filter((s) => s === status).length;

// Under 25 concurrent calls the Functions emulator now and then never answers one (its worker pool,
// not our code: the call never reaches the function). A call without an answer after 60 s counts as
// status 0, not 200, which is what the limit is about; the test allows at most 5 % of them.
const LOST = 0;
function answer(headers: Record<string, string>) {
  return fetch(`${gateway}/account/instances`, { headers, signal: AbortSignal.timeout(60_000) }).then(
    async (response) => ({
      status: response.status,
      headers: response.headers,
      body: (await response.json()) as Record<string, unknown>,
      at: Date.now(),
    }),
    () => ({ status: LOST, headers: new Headers(), body: {} as Record<string, unknown>, at: Date.now() }),
  );
}

describe("global rate limits (shared store)", () => {
  it("a plan of 120/min: of 400 calls sent 25 at a time, at most 180 answer 200 within one window", async () => {
    const user = await signUpAndSignIn("rate120");
    await setPlan(user.uid, { id: "rate-120", instanceLimit: 1, requestsPerMinute: 120 });
    const accountKey = await accountKeyOf(user);
    const headers = { "x-api-key": accountKey, "x-forwarded-for": "198.51.100.120" };
    // The Functions emulator starts a worker per concurrent call, each a cold start of its own: bring
    // the pool up first, so the measured calls are not lost waiting on it.
    await inBatches(50, 25, () =>
      fetch(`${gateway}/healthz`, { signal: AbortSignal.timeout(60_000) }).catch(() => undefined),
    );
    const started = Date.now();
    const responses = await inBatches(400, 25, () => answer(headers));
    const statuses = responses.map((r) => r.status);
    const ok = count(statuses, 200);
    const lost = count(statuses, LOST);
    // The plan's window is fixed: 60 s from the account's first counted call, which came after
    // `started`. A call answered within 60 s of `started` was counted inside that first window, so
    // those are bounded whatever the machine's speed; a slow run that outlasts the window may serve a
    // second allowance afterwards (CI once saw 240 of 400 in a run of more than a minute).
    const firstWindow = responses.filter((r) => r.status === 200 && r.at - started < 60_000).length;
    const seconds = Math.round((Date.now() - started) / 1000);
    console.log(
      `plan 120/min: ${ok} of 400 answered 200 (${firstWindow} in the first window), ${count(statuses, 429)} answered 429, ${lost} lost, ${seconds} s`,
    );
    assert.ok(firstWindow <= 180, `${firstWindow} calls answered 200 within the first window`);
    assert.ok(ok <= 120 * (Math.floor(seconds / 60) + 1) + 60, `${ok} calls answered 200 in ${seconds} s`);
    assert.ok(ok >= 100, `the plan's own allowance is served (${ok})`);
    assert.ok(lost <= 20, `${lost} calls never answered`);
    assert.equal(ok + count(statuses, 429) + lost, 400, statuses.join(","));
    const limited = responses.find((r) => r.status === 429)!;
    assert.match(limited.headers.get("content-type") ?? "", /application\/problem\+json/);
    assert.equal(limited.body.code, "RATE_LIMITED");
    assert.ok(Number(limited.headers.get("retry-after")) >= 1);
    assert.equal(limited.headers.get("ratelimit-limit"), "120");
    const served = responses.find((r) => r.status === 200)!;
    assert.equal(served.headers.get("ratelimit-limit"), "120");
  });
});

describe("unauthenticated traffic per client address", () => {
  let realKey: string;
  before(async () => {
    const user = await signUpAndSignIn("flood");
    await setPlan(user.uid, { id: "test-unthrottled", instanceLimit: 10, requestsPerMinute: 100_000 });
    realKey = await accountKeyOf(user);
  });

  it("300 forged keys, 25 at a time, get 429 past the limit; a real key from the same address answers 200", async () => {
    const address = "198.51.100.66";
    const real = (extra: Record<string, string> = {}) =>
      answer({ "x-api-key": realKey, "x-forwarded-for": address, ...extra });
    assert.equal((await real()).status, 200);
    const forged: number[] = [];
    const realStatuses: number[] = [];
    for (let batch = 0; batch < 12; batch++) {
      const [answers, realAnswer] = await Promise.all([
        Promise.all(
          Array.from({ length: 25 }, () => answer({ "x-api-key": forgedKey(), "x-forwarded-for": address })),
        ),
        real(),
      ]);
      forged.push(...answers.map((a) => a.status));
      realStatuses.push(realAnswer.status);
      if (batch === 11) {
        const limited = answers.find((a) => a.status === 429);
        assert.ok(limited, "the last batch is throttled");
        assert.match(limited.headers.get("content-type") ?? "", /application\/problem\+json/);
        assert.equal(limited.body.code, "RATE_LIMITED");
        assert.ok(Number(limited.headers.get("retry-after")) >= 1);
      }
    }
    console.log(
      `forged keys: ${count(forged, 401)} × 401, ${count(forged, 429)} × 429; real key: ${realStatuses.join(",")}`,
    );
    const lost = count(forged, LOST);
    assert.ok(lost + count(realStatuses, LOST) <= 6, `${lost} calls never answered`);
    assert.equal(count(forged, 401) + count(forged, 429) + lost, 300, forged.join(","));
    assert.ok(
      count(forged, 401) <= 30 + 25,
      `at most the limit and one batch in flight got 401 (${count(forged, 401)})`,
    );
    assert.ok(count(forged, 429) >= 245 - lost);
    assert.deepEqual(
      realStatuses.filter((status) => status !== LOST),
      Array(12 - count(realStatuses, LOST)).fill(200),
      "the real key kept working",
    );
    // A forged key from another address is still just refused.
    const other = await json("GET", `${gateway}/account/instances`, undefined, {
      "x-api-key": forgedKey(),
      "x-forwarded-for": "198.51.100.67",
    });
    assert.equal(other.status, 401);
  });
});

describe("sign-up throttle per client address", () => {
  it("locally 20 per minute per address, then 429 + Retry-After problem+json", async () => {
    const headers = { "x-forwarded-for": "198.51.100.20" };
    const statuses: number[] = [];
    let limited: Awaited<ReturnType<typeof json>> | undefined;
    for (let i = 0; i < 22; i++) {
      const response = await json(
        "POST",
        `${dashboard}/v1/signup`,
        { email: uniqueEmail("throttle"), password: STRONG_PASSWORD },
        headers,
      );
      statuses.push(response.status);
      if (response.status === 429) limited = response;
    }
    assert.deepEqual(statuses, [...Array(20).fill(201), 429, 429]);
    assert.ok(limited);
    assert.match(limited.headers.get("content-type") ?? "", /application\/problem\+json/);
    assert.equal(limited.body.code, "RATE_LIMITED");
    assert.ok(Number(limited.headers.get("retry-after")) >= 1);
    // Another address is not affected.
    const elsewhere = await json(
      "POST",
      `${dashboard}/v1/signup`,
      { email: uniqueEmail("throttle"), password: STRONG_PASSWORD },
      { "x-forwarded-for": "198.51.100.21" },
    );
    assert.equal(elsewhere.status, 201);
  });
});
