// Every line the instance writes while serving a request carries the gateway's request id beside the
// instance id, so a call can be followed from the gateway into the instance in Cloud Logging.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { type CryptoKey, importJWK } from "jose";
import { createApp } from "../src/app.js";
import { createLogs } from "../src/logs.js";
import { createMediaFetcher } from "../src/net/media-fetcher.js";
import { FakeTransport } from "./support/fake-transport.js";
import { generateGatewayKeys } from "./support/keys.js";

describe("instance log lines", () => {
  it("name the request they were written for", async () => {
    const keys = await generateGatewayKeys();
    const lines: string[] = [];
    const logs = createLogs({ instanceId: "ins_logs" }, (line) => lines.push(line));
    const app = createApp({
      instanceId: "ins_logs",
      gatewayKey: (await importJWK(keys.publicJwk, "ES256")) as CryptoKey,
      transport: new FakeTransport(),
      mediaFetcher: createMediaFetcher(),
      logs,
    });
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
