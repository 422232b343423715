import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Hono } from "hono";
import { StoreDeadlineExceeded } from "../src/adapters/firestore/deadline.js";
import { ApiError } from "../src/core/errors.js";
import { createLogger, logEvents } from "../src/core/logs.js";
import { installErrorHandling } from "../src/http/common/problem.js";

function appThrowing(error: unknown) {
  const lines: string[] = [];
  const app = new Hono();
  installErrorHandling(app, logEvents(createLogger((line) => lines.push(line))));
  app.get("/boom", () => {
    throw error;
  });
  return { app, lines };
}

describe("problem+json errors", () => {
  it("shapes API errors with status, detail and a request id", async () => {
    const { app } = appThrowing(new ApiError("RATE_LIMITED", "slow down", { "retry-after": "7" }));
    const response = await app.request("/boom");
    assert.equal(response.status, 429);
    assert.equal(response.headers.get("content-type"), "application/problem+json");
    assert.equal(response.headers.get("retry-after"), "7");
    const body = (await response.json()) as Record<string, unknown>;
    assert.equal(body.status, 429);
    assert.equal(body.detail, "slow down");
    assert.equal(body.requestId, response.headers.get("x-request-id"));
  });

  it("answers 503 with Retry-After when Firestore or the network is briefly down", async () => {
    for (const error of [
      Object.assign(new Error("unavailable"), { code: 14 }),
      Object.assign(new Error("refused"), { code: "ECONNREFUSED" }),
      new StoreDeadlineExceeded("findApiKey", 10_000),
    ]) {
      const { app, lines } = appThrowing(error);
      const response = await app.request("/boom");
      assert.equal(response.status, 503);
      assert.equal(response.headers.get("retry-after"), "5");
      // An outage is logged as a warning naming the backend error, not as a crash.
      const record = JSON.parse(lines.at(-1)!);
      assert.equal(record.severity, "WARNING");
      assert.equal(record.event, "request.backend_unavailable");
      assert.equal(record.errorMessage, error.message);
    }
  });

  it("hides unexpected errors behind a 500 and logs them without their secrets", async () => {
    const { app, lines } = appThrowing(new Error("failed for wsk_0123456789abcdefghijABCDEFGHIJ012345"));
    const response = await app.request("/boom");
    assert.equal(response.status, 500);
    const body = (await response.json()) as Record<string, unknown>;
    assert.ok(!JSON.stringify(body).includes("wsk_0123"));
    assert.ok(!lines.join("\n").includes("wsk_0123456789abcdef"));
  });

  it("answers unknown routes with a 404 problem", async () => {
    const response = await appThrowing(new Error("x")).app.request("/nowhere");
    assert.equal(response.status, 404);
    assert.equal(((await response.json()) as { status: number }).status, 404);
  });
});
