// Status updates on the simulated network, through the instance API: the author's contacts see
// them as the privacy setting allows, media can be downloaded by them only, a revoke reaches them.
import assert from "node:assert/strict";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, it } from "node:test";
import { type InstanceClient, pairByQr, simulatorCall } from "./support/instances.js";
import { jid, startTestNetwork, type TestNetwork } from "./support/network.js";

const PHONE_A = "15561000001";
const PHONE_B = "15561000002";
const PHONE_C = "15561000003";
const PNG_1PX =
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=";

describe("simulated network: status updates", () => {
  let net: TestNetwork;
  let a: InstanceClient;
  let b: InstanceClient;
  let c: InstanceClient;
  const isStatus = (id: string) => (d: Record<string, unknown>) => d.id === id && d.isStatus === true;

  before(async () => {
    net = await startTestNetwork(["st_a", "st_b", "st_c"]);
    [a, b, c] = ["st_a", "st_b", "st_c"].map((id) => net.clients.get(id)!) as [
      InstanceClient,
      InstanceClient,
      InstanceClient,
    ];
    await pairByQr(a, net.simulator.url, PHONE_A);
    await pairByQr(b, net.simulator.url, PHONE_B);
    await pairByQr(c, net.simulator.url, PHONE_C);
    for (const phone of [PHONE_B, PHONE_C]) {
      const saved = await a.call("POST", "/contacts", { id: jid(phone), fullName: `Friend ${phone}` });
      assert.equal(saved.status, 204);
    }
  });

  after(() => net.close());

  it("reports WhatsApp's default privacy: all contacts", async () => {
    assert.deepEqual(await a.json("GET", "/status/privacy"), [
      { type: "contacts", list: [], isDefault: true },
    ]);
  });

  it("posts a text status to every contact, with the broadcast chat and isStatus", async () => {
    const { id } = await a.json<{ id: string }>("POST", "/status/text", { text: "morning!" }, 201);
    const atB = await net.waitEvent("st_b", "message", isStatus(id));
    const data = atB.eventData as Record<string, unknown>;
    assert.equal(data.chatId, "status@broadcast");
    assert.equal(data.text, "morning!");
    assert.deepEqual(data.sender, { id: jid(PHONE_A), phone: PHONE_A, isMe: false });
    await net.waitEvent("st_c", "message", isStatus(id));
  });

  it("honours a whitelist: only listed contacts see it, and only they can download its image", async () => {
    const privacy = { type: "whitelist", list: [PHONE_B] };
    const set = await simulatorCall(
      net.simulator.url,
      "PUT",
      `/v1/phones/${PHONE_A}/status/privacy`,
      privacy,
    );
    assert.equal(set.status, 204);
    assert.deepEqual(await a.json("GET", "/status/privacy"), [
      { type: "whitelist", list: [jid(PHONE_B)], isDefault: true },
    ]);
    const body = { data: PNG_1PX, caption: "sunset" };
    const { id } = await a.json<{ id: string }>("POST", "/status/image", body, 201);
    const atB = await net.waitEvent("st_b", "message", isStatus(id));
    const media = (atB.eventData as { media: { id: string; mimeType: string; caption: string } }).media;
    assert.deepEqual([media.mimeType, media.caption], ["image/png", "sunset"]);
    const download = await b.call("GET", `/media/download?id=${encodeURIComponent(media.id)}`);
    assert.equal(download.status, 200);
    assert.equal(Buffer.from(await download.arrayBuffer()).toString("base64"), PNG_1PX);
    assert.equal((await c.call("GET", `/media/download?id=${encodeURIComponent(media.id)}`)).status, 404);
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.equal(net.eventsOf("st_c", "message", isStatus(id)).length, 0, "C is not on the list");
  });

  it("honours a blacklist, fetches a video by url, and revokes a status for the audience that saw it", async () => {
    const privacy = { type: "blacklist", list: [jid(PHONE_B)] };
    await simulatorCall(net.simulator.url, "PUT", `/v1/phones/${PHONE_A}/status/privacy`, privacy);
    const mp4 = Buffer.from("\0\0\0\x18ftypmp42");
    const server = createServer((_req, res) => res.writeHead(200, { "content-type": "video/mp4" }).end(mp4));
    await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
    const video = { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/clip.mp4` };
    const { id } = await a.json<{ id: string }>("POST", "/status/video", video, 201);
    server.close();
    const atC = await net.waitEvent("st_c", "message", isStatus(id));
    const media = (atC.eventData as { media: { mediaType: string; mimeType: string; fileLength: number } })
      .media;
    assert.deepEqual([media.mediaType, media.mimeType, media.fileLength], ["video", "video/mp4", mp4.length]);
    assert.equal((await a.call("POST", `/status/${id}/delete`)).status, 204);
    const deleted = await net.waitEvent("st_c", "message_delete", isStatus(id));
    assert.equal((deleted.eventData as { chatId: string }).chatId, "status@broadcast");
    assert.equal(net.eventsOf("st_b", "message", isStatus(id)).length, 0, "B is excluded");
    const again = await a.call("POST", `/status/${id}/delete`);
    assert.equal(again.status, 400, "a revoked status cannot be revoked again");
    assert.equal((await b.call("POST", `/status/${id}/delete`)).status, 400, "nor by someone else");
  });
});
