// GET /messages/{id}/timeline through the real gateway app over in-memory stores: served by the
// gateway itself (never forwarded), 404 problem for an unknown message or another instance's.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { MessageTimeline } from "@wsapi/contracts/message-timeline";
import { recordSendStages } from "../src/core/messageTimeline.js";
import { systemClock } from "../src/core/ports/clock.js";
import { memoryGateway } from "./support/memoryGateway.js";

async function setup() {
  let forwarded = 0;
  const gateway = await memoryGateway({
    accountId: "acct",
    instance: { instanceId: "sales", runtimeId: "isales", url: "http://127.0.0.1:1" },
    requestsPerMinute: 1_000,
    signToken: async () => "token",
    idToken: async () => "id-token",
    forward: async () => {
      forwarded++;
      throw new Error("a timeline is never forwarded");
    },
  });
  const get = (messageId: string, instanceId = "sales") =>
    gateway.app.request(`/messages/${encodeURIComponent(messageId)}/timeline`, {
      headers: { "x-api-key": gateway.apiKey, "x-instance-id": instanceId },
    });
  return { gateway, get, forwarded: () => forwarded };
}

describe("GET /messages/{id}/timeline", () => {
  it("answers the recorded stages from the gateway's store, without the instance", async () => {
    const { gateway, get, forwarded } = await setup();
    const at = "2026-12-02T10:00:00.000Z";
    await recordSendStages({ timelines: gateway.timelines.store, clock: systemClock }, gateway.instance, [
      { messageId: "3EB0AA", stage: "accepted", at },
    ]);
    const response = await get("3EB0AA");
    assert.equal(response.status, 200);
    const body = MessageTimeline.parse(await response.json());
    assert.deepEqual(body, { messageId: "3EB0AA", stages: [{ stage: "accepted", at }] });
    assert.equal(forwarded(), 0);
  });

  it("answers 404 problem+json for an unknown message, an overlong id or another instance", async () => {
    const { get } = await setup();
    for (const [messageId, instanceId] of [
      ["unknown", "sales"],
      ["x".repeat(300), "sales"],
      ["3EB0AA", "someone-elses"],
    ] as const) {
      const response = await get(messageId, instanceId);
      assert.equal(response.status, 404);
      assert.match(response.headers.get("content-type") ?? "", /application\/problem\+json/);
      const problem = (await response.json()) as { status: number; code: string };
      assert.equal(problem.status, 404);
      assert.equal(problem.code, "NOT_FOUND");
    }
  });

  it("refuses a request without a key", async () => {
    const { gateway } = await setup();
    const response = await gateway.app.request("/messages/3EB0AA/timeline", {
      headers: { "x-instance-id": "sales" },
    });
    assert.equal(response.status, 401);
  });
});
