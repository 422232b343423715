import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { generateApiKey } from "../src/core/apiKey.js";
import { createLogger, logEvents } from "../src/core/logs.js";

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
});
