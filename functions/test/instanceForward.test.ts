import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { problemBody } from "@wsapi/contracts/problems";
import { ApiError } from "../src/core/errors.js";
import type { Instance } from "../src/core/instances.js";
import {
  type ForwardDeps,
  forwardToInstance,
  type InstanceAnswer,
} from "../src/http/common/instanceForward.js";

// Every forwarded call carries two credentials: a Google-signed ID token for the instance URL in
// X-Serverless-Authorization (Cloud Run's invoker check) and our per-instance token in Authorization.
const URL_ = "https://wsapi-i-abc-uc.a.run.app";
const instance = {
  accountId: "acct",
  instanceId: "sales",
  runtimeId: "iabc",
  runtime: { state: "running", url: URL_, updatedAt: 0 },
  settings: {},
} as unknown as Instance;
const request = { method: "GET", pathAndQuery: "/session/status?x=1", requestId: "req_1" };

function answer(body: string, status = 200, contentType?: string): InstanceAnswer {
  return { status, headers: contentType ? { "content-type": contentType } : {}, body: Buffer.from(body) };
}

function deps(answer: InstanceAnswer | undefined, overrides: Partial<ForwardDeps> = {}) {
  const seen: Array<{ url: string; headers: Record<string, string> }> = [];
  const forgotten: string[] = [];
  const value: ForwardDeps = {
    signToken: async (runtimeId, claims) =>
      `ours-for-${runtimeId}${Object.keys(claims).length ? ` with ${JSON.stringify(claims)}` : ""}`,
    idToken: async (audience) => `google-for-${audience}`,
    forgetIdToken: (audience) => forgotten.push(`token ${audience}`),
    forgetInstance: (accountId, instanceId) => forgotten.push(`instance ${accountId}/${instanceId}`),
    forward: async (url, init) => {
      seen.push({ url, headers: init.headers });
      return answer;
    },
    ...overrides,
  };
  return { value, seen, forgotten };
}

async function unavailable(promise: Promise<unknown>) {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof ApiError);
    assert.equal(error.status, 503);
    assert.equal(error.headers["retry-after"], "5");
    return true;
  });
}

describe("forwarding to an instance", () => {
  it("sends an ID token for the instance URL's origin and our token for the instance", async () => {
    const d = deps(answer('{"status":"ok"}', 200, "application/json"));
    const response = await forwardToInstance(d.value, instance, request);
    assert.equal(response.status, 200);
    assert.equal(d.seen[0]!.url, `${URL_}/session/status?x=1`);
    assert.equal(d.seen[0]!.headers["x-serverless-authorization"], `Bearer google-for-${URL_}`);
    assert.equal(d.seen[0]!.headers.authorization, "Bearer ours-for-iabc");
  });

  it("carries the instance's pacing settings in our token, and nothing when it has none", async () => {
    const pacing = { minGapMs: 1500, jitterMs: 0, typingIndicator: false, maxNewContactsPerHour: null };
    const paced = { ...instance, settings: { pacing } } as unknown as Instance;
    const d = deps(answer('{"status":"ok"}', 200, "application/json"));
    await forwardToInstance(d.value, paced, request);
    assert.equal(d.seen[0]!.headers.authorization, `Bearer ours-for-iabc with ${JSON.stringify({ pacing })}`);
    const off = { ...instance, settings: { pacing: null } } as unknown as Instance;
    await forwardToInstance(d.value, off, request);
    assert.equal(d.seen[1]!.headers.authorization, "Bearer ours-for-iabc");
  });

  it("tells the instance in our token that historySync is on, and says nothing when it is off", async () => {
    const on = { ...instance, settings: { pacing: null, historySync: true } } as unknown as Instance;
    const d = deps(answer('{"status":"ok"}', 200, "application/json"));
    await forwardToInstance(d.value, on, request);
    assert.equal(d.seen[0]!.headers.authorization, 'Bearer ours-for-iabc with {"history_sync":true}');
    const off = { ...instance, settings: { pacing: null, historySync: false } } as unknown as Instance;
    await forwardToInstance(d.value, off, request);
    assert.equal(d.seen[1]!.headers.authorization, "Bearer ours-for-iabc");
  });

  it("answers 503 + Retry-After, without calling the instance, when no ID token can be had", async () => {
    const d = deps(answer("{}"), {
      idToken: async () => {
        throw new Error("metadata server down");
      },
    });
    await unavailable(forwardToInstance(d.value, instance, request));
    assert.equal(d.seen.length, 0);
  });

  it("answers 503 and drops the ID token when the platform refuses it (401/403 pages)", async () => {
    for (const status of [401, 403]) {
      const d = deps(answer("<html>Forbidden</html>", status, "text/html"));
      await unavailable(forwardToInstance(d.value, instance, request));
      assert.deepEqual(d.forgotten, [`token ${URL_}`]);
    }
  });

  it("answers 503 and forgets the instance when the platform has no container serving", async () => {
    const d = deps(answer("<html>Service Unavailable</html>", 503));
    await unavailable(forwardToInstance(d.value, instance, request));
    assert.deepEqual(d.forgotten, ["instance acct/sales"]);
  });

  it("passes the instance's own errors (problem details) through unchanged", async () => {
    const problem = problemBody("UNAUTHENTICATED", "x", request.requestId);
    const d = deps(answer(JSON.stringify(problem), 401, "application/problem+json"));
    const response = await forwardToInstance(d.value, instance, request);
    assert.equal(response.status, 401);
    assert.deepEqual(await response.json(), problem);
    assert.deepEqual(d.forgotten, []);
  });

  it("answers 503 when the instance is unreachable", async () => {
    const d = deps(undefined);
    await unavailable(forwardToInstance(d.value, instance, request));
    assert.deepEqual(d.forgotten, ["instance acct/sales"]);
  });
});
