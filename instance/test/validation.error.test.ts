// Bad input is a 400 problem naming the field, never a 500; oversized bodies are 413; calls that
// need WhatsApp are 409 NOT_PAIRED until the device is paired. Every problem carries the platform's
// code and the request id (the gateway's X-Request-Id when it sent one).
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { ERROR_STATUS, Problem } from "@wsapi/contracts/problems";
import { appWithFakeTransport } from "./support/app.js";
import { FakeTransport } from "./support/fake-transport.js";
import { type GatewayKeys, generateGatewayKeys } from "./support/keys.js";

const TO = "15550002222@s.whatsapp.net";

async function expectProblem(response: Response, status: number, detail?: RegExp, code?: string) {
  assert.equal(response.status, status);
  assert.equal(response.headers.get("content-type"), "application/problem+json");
  const problem = Problem.parse(await response.json());
  assert.equal(problem.status, status);
  assert.equal(ERROR_STATUS[problem.code], status);
  if (code) assert.equal(problem.code, code);
  assert.match(problem.requestId ?? "", /^req_[0-9a-f]{32}$/);
  assert.equal(problem.requestId, response.headers.get("x-request-id"));
  if (detail) assert.match(problem.detail, detail);
}

describe("input validation", () => {
  let keys: GatewayKeys;
  let paired: Awaited<ReturnType<typeof appWithFakeTransport>>;

  before(async () => {
    keys = await generateGatewayKeys();
    paired = await appWithFakeTransport(keys);
  });

  const badRequests: [string, string, string, unknown, RegExp][] = [
    ["malformed JSON", "POST", "/messages/text", "{not json", /JSON/],
    ["missing text", "POST", "/messages/text", { to: TO }, /text/],
    ["empty text", "POST", "/messages/text", { to: TO, text: "" }, /text/],
    ["recipient that is not a JID", "POST", "/messages/text", { to: "bob", text: "hi" }, /^to:/],
    ["wrong type", "POST", "/messages/text", { to: TO, text: 42 }, /text/],
    [
      "bad ephemeral value",
      "POST",
      "/messages/text",
      { to: TO, text: "x", ephemeralExpiration: "1y" },
      /ephemeralExpiration/,
    ],
    ["media without data or url", "POST", "/messages/image", { to: TO }, /data or url/],
    [
      "media with both data and url",
      "POST",
      "/messages/image",
      { to: TO, data: "AA==", url: "https://e.x/a" },
      /data or url/,
    ],
    ["media data that is not base64", "POST", "/messages/video", { to: TO, data: "%%%" }, /base64/],
    ["media url that is not http", "POST", "/messages/audio", { to: TO, url: "file:///etc/passwd" }, /url/],
    ["document without filename", "POST", "/messages/document", { to: TO, data: "AA==" }, /filename/],
    ["contact without name or vcard", "POST", "/messages/contact", { to: TO }, /displayName/],
    [
      "latitude out of range",
      "POST",
      "/messages/location",
      { to: TO, latitude: 91, longitude: 0 },
      /latitude/,
    ],
    ["link without url", "POST", "/messages/link", { to: TO, text: "see" }, /url/],
    [
      "message id with a slash-like payload",
      "POST",
      "/messages/..%2F..%2Fx/edit",
      { to: TO, text: "x" },
      /messageId/,
    ],
    [
      "read receipt of unknown type",
      "POST",
      "/messages/3EB0AB/read",
      { chatId: TO, senderId: TO, receiptType: "seen" },
      /receiptType/,
    ],
    ["pair code for a non-phone", "GET", "/session/pair-code/12ab", undefined, /phone/],
    ["presence state unknown", "PUT", `/chats/${TO}/presence`, { state: "dancing" }, /state/],
    ["chat id that is not a JID", "GET", "/chats/not-a-jid", undefined, /chatId/],
    ["mute duration unknown", "PUT", `/chats/${TO}/mute`, { duration: "forever" }, /duration/],
    ["empty phone list", "POST", "/users/check", { phones: [] }, /phones/],
    ["group with no participants", "POST", "/groups", { name: "x", participants: [] }, /participants/],
    [
      "participants action unknown",
      "PUT",
      "/groups/120363000000000001@g.us/participants",
      { participants: [TO], action: "kick" },
      /action/,
    ],
    ["group id that is not a group", "GET", `/groups/${TO}`, undefined, /groupId/],
    ["media download without id", "GET", "/media/download", undefined, /id/],
    ["call reject without caller", "POST", "/calls/CALL1/reject", {}, /callerId/],
  ];

  for (const [name, method, path, body, detail] of badRequests) {
    it(`answers 400 for ${name}`, async () => {
      const code = name === "malformed JSON" ? "BAD_REQUEST" : "VALIDATION";
      await expectProblem(await paired.request(method, path, body), 400, detail, code);
    });
  }

  it("answers 413 for a text body over the small cap, before parsing it", async () => {
    const response = await paired.request("POST", "/messages/text", { to: TO, text: "x".repeat(300 * 1024) });
    await expectProblem(response, 413, undefined, "PAYLOAD_TOO_LARGE");
  });

  it("accepts a media body larger than the small cap", async () => {
    const data = Buffer.alloc(400 * 1024, 7).toString("base64");
    const response = await paired.request("POST", "/messages/image", { to: TO, data });
    assert.equal(response.status, 201);
    const sent = paired.transport.calls.at(-1) as unknown as {
      args: [string, { bytes: Buffer; mimeType: string }];
    };
    assert.equal(sent.args[1].bytes.length, 400 * 1024);
    assert.equal(sent.args[1].mimeType, "image/jpeg");
  });

  it("answers 404 problem+json for unknown routes", async () => {
    await expectProblem(await paired.request("GET", "/nope"), 404, undefined, "NOT_FOUND");
  });

  it("answers 409 to WhatsApp calls while unpaired, and 503 while a paired device reconnects", async () => {
    const unpaired = await appWithFakeTransport(
      keys,
      new FakeTransport({ isConnected: true, isLoggedIn: false }),
    );
    for (const [method, path, body] of [
      ["POST", "/messages/text", { to: TO, text: "hi" }],
      ["GET", "/chats"],
      ["GET", "/contacts"],
      ["GET", "/users/me/profile"],
      ["GET", "/groups"],
      ["GET", "/media/download?id=abc"],
      ["POST", "/calls/CALL1/reject", { callerId: TO }],
      ["POST", "/session/logout"],
    ] as const) {
      await expectProblem(await unpaired.request(method, path, body), 409, /not paired/, "NOT_PAIRED");
    }
    assert.equal(unpaired.transport.calls.length, 0);
    const reconnecting = await appWithFakeTransport(
      keys,
      new FakeTransport({ isConnected: false, isLoggedIn: true }),
    );
    const retrying = await reconnecting.request("POST", "/messages/text", { to: TO, text: "hi" });
    assert.equal(retrying.headers.get("retry-after"), "5");
    await expectProblem(retrying, 503, undefined, "UNAVAILABLE");
  });

  it("serves the QR and pair code only while unpaired", async () => {
    await expectProblem(
      await paired.request("GET", "/session/qr/text"),
      409,
      /already paired/,
      "ALREADY_PAIRED",
    );
    const unpaired = await appWithFakeTransport(
      keys,
      new FakeTransport({ isConnected: true, isLoggedIn: false }),
    );
    assert.deepEqual(await (await unpaired.request("GET", "/session/qr/text")).json(), {
      code: "2@fake-qr,AAAA,BBBB,CCCC",
    });
    assert.deepEqual(await (await unpaired.request("GET", "/session/pair-code/+15550001111")).json(), {
      code: "ABCD-EFGH",
    });
    assert.deepEqual(unpaired.transport.calls.at(-1), { method: "requestPairCode", args: ["15550001111"] });
  });
});
