// The gateway serves the route table: implemented operations are forwarded (with the request id the
// instance puts in its problems), and a literal path is never taken by a parameter (GET /contacts/blocklist).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Problem, problemBody } from "@wsapi/contracts/problems";
import { memoryGateway } from "./support/memoryGateway.js";

async function gateway(answer: (url: string, headers: Record<string, string>) => Response) {
  const forwarded: string[] = [];
  const { app, apiKey } = await memoryGateway({
    accountId: "acct",
    instance: { instanceId: "sales", runtimeId: "isales", url: "http://127.0.0.1:1" },
    requestsPerMinute: 1_000,
    signToken: async () => "token",
    idToken: async () => "id-token",
    forward: async (url, init) => {
      forwarded.push(`${init.method} ${new URL(url).pathname}`);
      // The instance's answer as the forwarder reads it off the wire.
      const response = answer(url, init.headers);
      const body = response.body ? new Uint8Array(await response.arrayBuffer()) : null;
      return { status: response.status, headers: Object.fromEntries(response.headers), body };
    },
  });
  const call = (method: string, path: string) =>
    app.request(path, { method, headers: { "x-api-key": apiKey, "x-instance-id": "sales" } });
  return { call, forwarded };
}

const noContent = () => new Response(null, { status: 204 });

describe("gateway routes from the route table", () => {
  it("forwards the presence subscription the instance serves", async () => {
    const { call, forwarded } = await gateway(noContent);
    const response = await call("PUT", "/chats/15551234567@s.whatsapp.net/presence/subscribe");
    assert.equal(response.status, 204);
    assert.deepEqual(forwarded, ["PUT /chats/15551234567@s.whatsapp.net/presence/subscribe"]);
  });

  it("passes an instance's problem on with its code and the gateway's request id", async () => {
    // The instance answers with the X-Request-Id the gateway sent it (instance/src/http/problem.ts).
    const { call } = await gateway((_url, headers) =>
      Response.json(problemBody("NOT_PAIRED", "device not paired", headers["x-request-id"]), {
        status: 409,
        headers: { "content-type": "application/problem+json" },
      }),
    );
    const response = await call("GET", "/chats");
    assert.equal(response.status, 409);
    const problem = Problem.parse(await response.json());
    assert.equal(problem.code, "NOT_PAIRED");
    assert.match(problem.requestId ?? "", /^req_/);
    assert.equal(problem.requestId, response.headers.get("x-request-id"));
  });
});
