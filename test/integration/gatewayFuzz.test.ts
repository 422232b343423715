import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import fc from "fast-check";
import {
  bodyContentType,
  fillPath,
  headerValue,
  IMPLEMENTED_ROUTES,
  jsonBody,
  pathParam,
  platformRefuses,
  problemIssue,
} from "../support/fuzzInputs.js";
import { stack } from "../support/stack.js";
import { createTenant, type Tenant } from "../support/tenants.js";

// Property-based fuzzing of the gateway: whatever the headers, path parameters and bodies,
// the answer is never a 5xx and every error is problem+json.
const { gateway } = stack();

async function send(method: string, path: string, headers: Record<string, string>, body?: string) {
  const response = await fetch(`${gateway}${path}`, {
    method,
    headers,
    ...(body !== undefined && method !== "GET" ? { body } : {}),
  });
  const text = await response.text();
  return { status: response.status, contentType: response.headers.get("content-type") ?? "", text };
}

function assertClean(result: Awaited<ReturnType<typeof send>>, label: string) {
  assert.ok(
    result.status < 500 || result.status === 503,
    `${label}: ${result.status} ${result.text.slice(0, 200)}`,
  );
  const issue = problemIssue(result);
  assert.equal(issue, undefined, `${label}: ${result.status} ${issue}`);
}

describe("gateway fuzzing", () => {
  let tenant: Tenant;
  before(async () => {
    tenant = await createTenant("fuzz", ["fuzz-1"]);
  });

  it("random keys, instance ids and paths never cause a 5xx", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...IMPLEMENTED_ROUTES),
        fc.option(headerValue),
        fc.option(headerValue),
        fc.array(pathParam, { minLength: 1, maxLength: 2 }),
        async (route, apiKey, instanceId, params) => {
          const path = fillPath(route.path, params);
          const headers: Record<string, string> = {};
          if (apiKey !== null) headers["x-api-key"] = apiKey;
          if (instanceId !== null) headers["x-instance-id"] = instanceId;
          assertClean(await send(route.method, path, headers), `${route.method} ${path}`);
        },
      ),
      { numRuns: 150 },
    );
  });

  it("random bodies with a valid key reach validation and answer 4xx problems, never 5xx", async () => {
    const withBodies = IMPLEMENTED_ROUTES.filter((route) => route.request);
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...withBodies),
        jsonBody,
        bodyContentType,
        async (route, body, contentType) => {
          const headers: Record<string, string> = {
            "x-api-key": tenant.accountKey,
            "x-instance-id": "fuzz-1",
          };
          if (contentType) headers["content-type"] = contentType;
          const path = route.path.replace(/:\w+/g, "3EB0C767D26A1D4C1B11");
          const result = await send(route.method, path, headers, body);
          if (platformRefuses(body, contentType)) assert.equal(result.status, 400, `${path}: ${body}`);
          else assertClean(result, `${route.method} ${path} ${contentType} ${body.slice(0, 80)}`);
        },
      ),
      { numRuns: 150 },
    );
  });

  it("oversized bodies and headers are refused cleanly", async () => {
    const headers = {
      "x-api-key": tenant.accountKey,
      "x-instance-id": "fuzz-1",
      "content-type": "application/json",
    };
    const huge = JSON.stringify({ to: "15551234567@s.whatsapp.net", text: "x".repeat(300 * 1024) });
    const tooBig = await send("POST", "/messages/text", headers, huge);
    assert.equal(tooBig.status, 413);
    assertClean(tooBig, "oversized body");
    const longHeader = await fetch(`${gateway}/session/status`, {
      headers: { ...headers, "x-instance-id": "a".repeat(10_000) },
    });
    assert.ok(longHeader.status < 500, `long header answered ${longHeader.status}`);
    await longHeader.body?.cancel();
  });
});
