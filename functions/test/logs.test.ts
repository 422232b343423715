import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { addLogContext, withLogContext } from "@wsapi/contracts/log-context";
import { generateApiKey } from "../src/core/apiKey.js";
import { createLogger, logEvents } from "../src/core/logs.js";
import { memoryGateway } from "./support/memoryGateway.js";

describe("structured logs", () => {
  it("never print API keys, secrets, tokens or message content", () => {
    const lines: string[] = [];
    const logger = createLogger((line) => lines.push(line));
    const apiKey = generateApiKey();
    const sentinel = "SENTINEL-7f3a9c-message-content";
    const jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJlLXZhbHVl";
    logger.event("INFO", "test.event", {
      apiKey,
      text: sentinel,
      nested: { caption: sentinel, password: "Correct-Horse-9", headers: { authorization: `Bearer ${jwt}` } },
      free: `user pasted ${apiKey} and whsec_abcdefghijklmnop and ${jwt}`,
    });
    logEvents(logger).unexpectedError("req_1", new Error(`failed for ${apiKey}`));
    logEvents(logger).backendUnavailable("req_2", new Error(`unreachable for ${apiKey}`));
    const output = lines.join("\n");
    for (const secret of [apiKey, sentinel, "Correct-Horse-9", "whsec_abcdefghijklmnop", jwt]) {
      assert.ok(!output.includes(secret), `leaked ${secret.slice(0, 8)}`);
    }
    const record = JSON.parse(lines[0]!);
    assert.equal(record.severity, "INFO");
    assert.equal(record.event, "test.event");
  });

  it("carry the ids of the request or task they belong to, and none outside one", async () => {
    const lines: string[] = [];
    const logger = createLogger((line) => lines.push(line));
    await withLogContext({ requestId: "req_a" }, async () => {
      await new Promise((resolve) => setTimeout(resolve, 1));
      addLogContext({ accountId: "acct", instanceId: "sales" });
      logger.event("INFO", "inside");
    });
    logger.event("INFO", "outside");
    const [inside, outside] = lines.map((line) => JSON.parse(line));
    assert.deepEqual([inside.requestId, inside.accountId, inside.instanceId], ["req_a", "acct", "sales"]);
    assert.equal(outside.requestId, undefined);
  });

  it("an ingested batch is logged by event ids and types, never by its content", async () => {
    const lines: string[] = [];
    const logs = logEvents(createLogger((line) => lines.push(line)));
    await withLogContext({ requestId: "req_in" }, async () => {
      addLogContext({ accountId: "acct", instanceId: "sales" });
      logs.eventsIngested(
        [
          { eventId: "evt_1_aa", eventType: "message" },
          { eventId: "evt_2_bb", eventType: "message" },
        ],
        2,
      );
    });
    const line = JSON.parse(lines[0]!);
    assert.equal(line.event, "events.ingested");
    assert.deepEqual(line.eventIds, ["evt_1_aa", "evt_2_bb"]);
    assert.deepEqual(line.eventTypes, ["message"]);
    assert.deepEqual([line.requestId, line.instanceId, line.deliverable], ["req_in", "sales", 2]);
  });

  it("through the gateway: a refused call's line names its request, account and instance", async () => {
    const lines: string[] = [];
    const { app, apiKey } = await memoryGateway({
      accountId: "acct-logs",
      instance: { instanceId: "sales", runtimeId: "isales", url: "http://127.0.0.1:1" },
      requestsPerMinute: 1_000,
      signToken: async () => "token",
      idToken: async () => "id-token",
      forward: async () => {
        throw new Error("not forwarded");
      },
      logSink: (line) => lines.push(line),
    });
    const response = await app.request("/events/stream", {
      headers: { "x-api-key": apiKey, "x-instance-id": "sales", accept: "application/json" },
    });
    assert.equal(response.status, 406);
    const failed = lines.map((line) => JSON.parse(line)).find((line) => line.event === "request.failed");
    assert.equal(failed.requestId, response.headers.get("x-request-id"));
    assert.equal(failed.accountId, "acct-logs");
    assert.equal(failed.instanceId, "sales");
  });
});
