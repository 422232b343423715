// Two instances and outside phones on one simulated network, over real HTTP and WebSockets;
// events are checked where the customer would see them: at the control plane.
import assert from "node:assert/strict";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, it } from "node:test";
import { waitFor } from "../../test/support/wait.js";
import type { InstanceClient } from "./support/instances.js";
import { pairByQr, simulatorCall } from "./support/instances.js";
import { jid, startTestNetwork, type TestNetwork } from "./support/network.js";

const PHONE_A = "15550000001";
const PHONE_B = "15550000002";
const PHONE_C = "15550000003";
const OUTSIDE = "15559990000";

describe("simulated network: pairing and messaging", () => {
  let net: TestNetwork;
  let a: InstanceClient;
  let b: InstanceClient;
  let c: InstanceClient;
  const eventsOf: TestNetwork["eventsOf"] = (...args) => net.eventsOf(...args);
  const waitEvent: TestNetwork["waitEvent"] = (...args) => net.waitEvent(...args);

  before(async () => {
    net = await startTestNetwork(["ins_a", "ins_b", "ins_c"]);
    [a, b, c] = ["ins_a", "ins_b", "ins_c"].map((id) => net.clients.get(id)!) as [
      InstanceClient,
      InstanceClient,
      InstanceClient,
    ];
  });

  after(() => net.close());

  it("reports an unpaired, connected device and answers 409 to WhatsApp calls", async () => {
    const status = await waitFor(async () => {
      const current = await a.status();
      return current.isConnected ? current : undefined;
    }, "connection to the simulator");
    const { health, ...wsapiFields } = status;
    assert.deepEqual(wsapiFields, { isConnected: true, isLoggedIn: false });
    assert.equal(health?.state, "logged_out", "connected, waiting for pairing");
    const send = await a.call("POST", "/messages/text", { to: jid(PHONE_B), text: "too early" });
    assert.equal(send.status, 409);
    assert.equal(send.headers.get("content-type"), "application/problem+json");
    assert.equal(((await send.json()) as { status: number }).status, 409);
    const png = await a.call("GET", "/session/qr");
    assert.equal(png.status, 200);
    assert.equal(png.headers.get("content-type"), "image/png");
    assert.deepEqual([...new Uint8Array(await png.arrayBuffer()).subarray(0, 4)], [0x89, 0x50, 0x4e, 0x47]);
  });

  it("pairs A by QR: status, logged_in event, session state in the control plane", async () => {
    const deviceId = await pairByQr(a, net.simulator.url, PHONE_A);
    assert.match(deviceId, /^15550000001:\d+@s\.whatsapp\.net$/);
    const loggedIn = await waitEvent("ins_a", "logged_in");
    assert.equal((loggedIn.eventData as { deviceId: string }).deviceId, deviceId);
    await waitFor(() => net.control.sessionState("ins_a")?.includes(deviceId), "session state saved");
    const qr = await a.call("GET", "/session/qr/text");
    assert.equal(qr.status, 409);
  });

  it("pairs B by pair code entered on the phone", async () => {
    await waitFor(async () => (await b.status()).isConnected, "B connected");
    const { code } = await b.json<{ code: string }>("GET", `/session/pair-code/+${PHONE_B}`);
    assert.match(code, /^[A-Z0-9]{4}-[A-Z0-9]{4}$/);
    const wrongPhone = await simulatorCall(net.simulator.url, "POST", `/v1/phones/${PHONE_C}/pair`, { code });
    assert.equal(wrongPhone.status, 404);
    const paired = await simulatorCall(net.simulator.url, "POST", `/v1/phones/${PHONE_B}/pair`, { code });
    assert.equal(paired.status, 200);
    const status = await waitFor(async () => {
      const current = await b.status();
      return current.isLoggedIn ? current : undefined;
    }, "B logged in");
    assert.match(status.deviceId ?? "", /^15550000002:\d+@s\.whatsapp\.net$/);
    await waitEvent("ins_b", "logged_in");
  });

  it("reports a pairing the phone refuses as login_error, and stays unpaired with a new QR", async () => {
    const first = await waitFor(async () => {
      const qr = await c.call("GET", "/session/qr/text");
      return qr.status === 200 ? ((await qr.json()) as { code: string }).code : undefined;
    }, "C's QR");
    const refused = await simulatorCall(net.simulator.url, "POST", `/v1/phones/${PHONE_C}/link`, {
      qr: first,
      refuse: true,
    });
    assert.equal(refused.status, 200);
    const outcome = (await refused.json()) as { deviceId: string; error: string };
    assert.match(outcome.deviceId, /^15550000003:\d+@s\.whatsapp\.net$/);
    const event = await waitEvent("ins_c", "login_error");
    assert.deepEqual(event.eventData, { id: outcome.deviceId, error: outcome.error });
    assert.equal((await c.status()).isLoggedIn, false);
    assert.equal(eventsOf("ins_c", "logged_in").length, 0);
    const next = await waitFor(async () => {
      const qr = await c.call("GET", "/session/qr/text");
      const code = qr.status === 200 ? ((await qr.json()) as { code: string }).code : undefined;
      return code !== first ? code : undefined;
    }, "a new QR after the refusal");
    assert.ok(next);
    const stale = await simulatorCall(net.simulator.url, "POST", `/v1/phones/${PHONE_C}/link`, { qr: first });
    assert.equal(stale.status, 404, "the refused QR is spent");
  });

  it("delivers A's text to B with the sender's identity, and a delivery receipt to A", async () => {
    const { id } = await a.json<{ id: string }>(
      "POST",
      "/messages/text",
      { to: jid(PHONE_B), text: "hello B" },
      201,
    );
    const event = await waitEvent("ins_b", "message", (d) => d.id === id);
    const data = event.eventData as {
      chatId: string;
      sender: { id: string; isMe: boolean };
      type: string;
      text: string;
    };
    assert.equal(data.chatId, jid(PHONE_A));
    assert.deepEqual(
      [data.sender.id, data.sender.isMe, data.type, data.text],
      [jid(PHONE_A), false, "text", "hello B"],
    );
    assert.match(event.eventId, /^evt_\d{13}_[0-9a-f]{16}$/);
    assert.equal(event.instanceId, "ins_b");
    const receipt = await waitEvent("ins_a", "message_read", (d) => (d.messageIds as string[]).includes(id));
    assert.equal((receipt.eventData as { receiptType: string }).receiptType, "delivered");
    assert.equal(
      eventsOf("ins_a", "message", (d) => d.id === id).length,
      0,
      "the sender gets no echo of its own send",
    );
  });

  it("sends an image as base64 and by URL; B downloads the same bytes", async () => {
    const png = Buffer.from("89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489", "hex");
    const body = { to: jid(PHONE_B), data: png.toString("base64"), caption: "a pixel" };
    const { id } = await a.json<{ id: string }>("POST", "/messages/image", body, 201);
    const event = await waitEvent("ins_b", "message", (d) => d.id === id);
    const media = (
      event.eventData as { media: { id: string; mimeType: string; fileLength: number; caption: string } }
    ).media;
    assert.deepEqual([media.mimeType, media.fileLength, media.caption], ["image/png", png.length, "a pixel"]);
    const download = await b.call("GET", `/media/download?id=${media.id}`);
    assert.equal(download.status, 200);
    assert.deepEqual(Buffer.from(await download.arrayBuffer()), png);
    const outsider = await c.call("GET", `/media/download?id=${media.id}`);
    assert.equal(outsider.status, 409, "C is not paired yet");

    const server = createServer((_req, res) => res.writeHead(200, { "content-type": "image/png" }).end(png));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/pixel.png`;
      const byUrl = await a.json<{ id: string }>("POST", "/messages/image", { to: jid(PHONE_B), url }, 201);
      const fetched = await waitEvent("ins_b", "message", (d) => d.id === byUrl.id);
      assert.equal((fetched.eventData as { media: { fileLength: number } }).media.fileLength, png.length);
    } finally {
      server.close();
    }
  });

  it("relays a reaction and a read receipt", async () => {
    const { id } = await a.json<{ id: string }>(
      "POST",
      "/messages/text",
      { to: jid(PHONE_B), text: "react to me" },
      201,
    );
    await waitEvent("ins_b", "message", (d) => d.id === id);
    const reaction = { to: jid(PHONE_A), senderId: jid(PHONE_A), reaction: "👍" };
    const { id: reactionId } = await b.json<{ id: string }>("POST", `/messages/${id}/reaction`, reaction);
    const event = await waitEvent("ins_a", "message", (d) => d.id === reactionId);
    assert.deepEqual((event.eventData as { reaction: unknown }).reaction, { messageId: id, emoji: "👍" });
    const read = { chatId: jid(PHONE_A), senderId: jid(PHONE_A), receiptType: "read" };
    assert.equal((await b.call("POST", `/messages/${id}/read`, read)).status, 204);
    const receipt = await waitEvent("ins_a", "message_read", (d) => d.receiptType === "read");
    assert.deepEqual((receipt.eventData as { messageIds: string[] }).messageIds, [id]);
  });

  it("relays an edit and a pin of A's message to B", async () => {
    const { id } = await a.json<{ id: string }>(
      "POST",
      "/messages/text",
      { to: jid(PHONE_B), text: "draft" },
      201,
    );
    await waitEvent("ins_b", "message", (d) => d.id === id);
    const { id: editId } = await a.json<{ id: string }>("POST", `/messages/${id}/edit`, {
      to: jid(PHONE_B),
      text: "final",
    });
    const edited = (await waitEvent("ins_b", "message", (d) => d.id === editId)).eventData as Record<
      string,
      unknown
    >;
    assert.equal(edited.text, "final");
    assert.equal(edited.isEdit, true);
    assert.equal((edited.edit as { originalMessageId: string }).originalMessageId, id);
    const pin = { chatId: jid(PHONE_B), senderId: jid(PHONE_A), pinned: true };
    assert.equal((await a.call("POST", `/messages/${id}/pin`, pin)).status, 204);
    const pinned = await waitEvent("ins_b", "message", (d) => d.type === "pinInChat");
    assert.deepEqual((pinned.eventData as { pin: unknown }).pin, { pinned: true, messageId: id });
  });

  it("delivers a message from an outside contact to A, and A's reply to the contact's phone", async () => {
    const sent = await simulatorCall(net.simulator.url, "POST", `/v1/phones/${OUTSIDE}/messages`, {
      to: jid(PHONE_A),
      text: "hi from outside",
    });
    assert.equal(sent.status, 201);
    const { id } = (await sent.json()) as { id: string };
    const event = await waitEvent("ins_a", "message", (d) => d.id === id);
    assert.equal((event.eventData as { chatId: string }).chatId, jid(OUTSIDE));
    await a.json("POST", "/messages/text", { to: jid(OUTSIDE), text: "hi back" }, 201);
    const inbox = await (
      await simulatorCall(net.simulator.url, "GET", `/v1/phones/${OUTSIDE}/messages`)
    ).json();
    assert.ok((inbox as { text?: string }[]).some((entry) => entry.text === "hi back"));
    const chats = await a.json<{ id: string }[]>("GET", "/chats");
    assert.ok(chats.some((chat) => chat.id === jid(OUTSIDE)));
    const chat = await a.json<{ id: string; isGroup: boolean }>("GET", `/chats/${jid(OUTSIDE)}`);
    assert.equal(chat.isGroup, false);
    assert.equal((await a.call("GET", `/chats/${jid("15551112222")}`)).status, 404);
  });
});

describe("simulated network: QR rotation and logout from the phone", () => {
  let net: TestNetwork;
  let client: InstanceClient;

  before(async () => {
    net = await startTestNetwork(["ins_rotating"], 150);
    client = net.clients.get("ins_rotating")!;
  });

  after(() => net.close());

  it("rotates the QR; a rotated QR no longer links, the current one does", async () => {
    const readQr = async () => {
      const response = await client.call("GET", "/session/qr/text");
      return response.status === 200 ? ((await response.json()) as { code: string }).code : undefined;
    };
    const first = await waitFor(readQr, "a first QR");
    const second = await waitFor(async () => {
      const code = await readQr();
      return code && code !== first ? code : undefined;
    }, "a rotated QR");
    const stale = await simulatorCall(net.simulator.url, "POST", "/v1/phones/15557000001/link", {
      qr: first,
    });
    assert.equal(stale.status, 404);
    assert.equal(stale.headers.get("content-type"), "application/problem+json");
    await waitFor(async () => {
      const code = await readQr();
      const linked = await simulatorCall(net.simulator.url, "POST", "/v1/phones/15557000001/link", {
        qr: code ?? second,
      });
      return linked.status === 200;
    }, "linking with the current QR");
    await waitFor(async () => (await client.status()).isLoggedIn, "logged in");
  });

  it("reports a logout done on the phone as server_logout and shows a QR again", async () => {
    const removed = await simulatorCall(net.simulator.url, "DELETE", "/v1/phones/15557000001/devices");
    assert.deepEqual(await removed.json(), { loggedOut: 1 });
    const event = await net.waitEvent("ins_rotating", "logged_out");
    assert.equal((event.eventData as { reason: string }).reason, "server_logout");
    await waitFor(async () => (await client.call("GET", "/session/qr/text")).status === 200, "a QR again");
    assert.equal((await client.status()).isLoggedIn, false);
  });
});
