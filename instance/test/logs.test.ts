// Every line the instance writes while serving a request carries the gateway's request id beside the
// instance id, so a call can be followed from the gateway into the instance in Cloud Logging.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { createLogs } from "../src/logs.js";
import { appWithFakeTransport } from "./support/app.js";
import { FakeTransport } from "./support/fake-transport.js";
import { generateGatewayKeys } from "./support/keys.js";

describe("instance log lines", () => {
  it("name the request they were written for", async () => {
    const lines: string[] = [];
    const logs = createLogs({ instanceId: "ins_logs" }, (line) => lines.push(line));
    const { app } = await appWithFakeTransport(await generateGatewayKeys(), new FakeTransport(), logs);
    const response = await app.request("/session/status", {
      headers: { authorization: "Bearer not.a.jwt", "x-request-id": "req_followme" },
    });
    assert.equal(response.status, 401);
    const rejected = lines
      .map((line) => JSON.parse(line))
      .find((line) => line.message === "auth.token_rejected");
    assert.equal(rejected.requestId, "req_followme");
    assert.equal(rejected.instanceId, "ins_logs");
    logs.transportConnected(true);
    assert.equal(JSON.parse(lines.at(-1)!).requestId, undefined, "no request id outside a request");
  });
});
