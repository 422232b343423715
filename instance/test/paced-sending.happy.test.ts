// Paced sending through the instance's HTTP API: with the pacing claim a send is queued and answered
// exactly as a direct send (201 {id}), the queue can be read and cancelled; without it sends go
// straight out; a malformed claim is refused like any bad token; the cap answers 429 + Retry-After.
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { appWithFakeTransport, INSTANCE_ID } from "./support/app.js";
import { FakeTransport } from "./support/fake-transport.js";
import { type GatewayKeys, gatewayToken, generateGatewayKeys } from "./support/keys.js";

const TO = "15550000001@s.whatsapp.net";
const SLOW = { minGapMs: 600_000, jitterMs: 0, typingIndicator: false, maxNewContactsPerHour: 1 };

describe("paced sending over HTTP", () => {
  let keys: GatewayKeys;
  before(async () => {
    keys = await generateGatewayKeys();
  });

  const withPacing = (pacing: unknown) => gatewayToken(keys, INSTANCE_ID, { claims: { pacing } });

  it("queues paced sends, answers them as WSAPI does, and shows and cancels the queue", async () => {
    const transport = new FakeTransport();
    const { request, sendQueue } = await appWithFakeTransport(keys, transport);
    const token = await withPacing(SLOW);
    const ids: string[] = [];
    for (const text of ["one", "two", "three"]) {
      const response = await request("POST", "/messages/text", { to: TO, text }, token);
      assert.equal(response.status, 201);
      const body = (await response.json()) as Record<string, unknown>;
      assert.deepEqual(Object.keys(body), ["id"], "the same body as a direct send");
      ids.push(String(body.id));
    }
    await new Promise((resolve) => setImmediate(resolve));
    const sends = transport.calls.filter((call) => call.method === "send");
    assert.equal(sends.length, 1, "the first went out, the others wait for the 10-minute gap");
    assert.equal((sends[0]!.args[2] as { messageId: string }).messageId, ids[0]);

    const queue = await request("GET", "/messages/queue", undefined, token);
    assert.equal(queue.status, 200);
    const status = (await queue.json()) as Record<string, unknown>;
    assert.equal(status.depth, 2);
    assert.deepEqual(status.messageIds, ids.slice(1));
    assert.deepEqual(status.pacing, SLOW);
    assert.ok(Date.parse(String(status.nextSendAt)) > Date.now() + 500_000);
    assert.ok(!JSON.stringify(status).includes("two"), "no message content");

    const cancelled = await request("DELETE", "/messages/queue", undefined, token);
    assert.deepEqual(await cancelled.json(), { cancelled: 2, messageIds: ids.slice(1) });
    const after = (await (await request("GET", "/messages/queue", undefined, token)).json()) as {
      depth: number;
      nextSendAt: unknown;
    };
    assert.deepEqual([after.depth, after.nextSendAt], [0, null]);
    sendQueue.stop();
  });

  it("sends straight out without pacing, and reports pacing off", async () => {
    const transport = new FakeTransport();
    const { request } = await appWithFakeTransport(keys, transport);
    const response = await request("POST", "/messages/text", { to: TO, text: "hi" });
    assert.deepEqual(await response.json(), { id: "3EB0FAKE0000000001" }, "the transport's own id");
    const status = (await (await request("GET", "/messages/queue")).json()) as Record<string, unknown>;
    assert.equal(status.pacing, null);
    assert.equal(status.depth, 0);
  });

  it("answers the new-contact cap with 429 NEW_CONTACT_LIMIT and Retry-After", async () => {
    const { request, sendQueue } = await appWithFakeTransport(keys, new FakeTransport());
    const token = await withPacing(SLOW);
    assert.equal((await request("POST", "/messages/text", { to: TO, text: "a" }, token)).status, 201);
    const second = await request(
      "POST",
      "/messages/text",
      { to: "15550000002@s.whatsapp.net", text: "b" },
      token,
    );
    assert.equal(second.status, 429);
    assert.equal(second.headers.get("content-type"), "application/problem+json");
    assert.equal(((await second.json()) as { code: string }).code, "NEW_CONTACT_LIMIT");
    assert.ok(Number(second.headers.get("retry-after")) > 3500);
    sendQueue.stop();
  });

  it("refuses a token whose pacing claim is malformed", async () => {
    const { request } = await appWithFakeTransport(keys, new FakeTransport());
    for (const pacing of [{ minGapMs: -1 }, { minGapMs: 1000, extra: true }, "fast"]) {
      const response = await request(
        "POST",
        "/messages/text",
        { to: TO, text: "x" },
        await withPacing(pacing),
      );
      assert.equal(response.status, 401, JSON.stringify(pacing));
    }
  });
});
