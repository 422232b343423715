import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { CreatedResponse } from "@wsapi/contracts/instance-api";
import { StatusPrivacy } from "@wsapi/contracts/status-api";
import { z } from "zod";
import { startReceiver } from "../support/receiver.js";
import { json, stack } from "../support/stack.js";
import { createTenant, pairInstance, type Tenant } from "../support/tenants.js";
import { waitFor } from "../support/wait.js";

// Status updates through the gateway on the simulated network: A posts text, an image and a video
// to its contacts, reads its privacy setting and revokes a post; B, a contact,
// receives each one and the revoke as webhooks.
const { gateway, simulator } = stack();
const PHONE_A = `1558${Math.floor(1e6 + Math.random() * 8e6)}`;
const PHONE_B = `1559${Math.floor(1e6 + Math.random() * 8e6)}`;
const PNG_1PX =
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=";
const MP4 = Buffer.from("\0\0\0\x18ftypmp42\0\0\0\0mp42isom");

describe("status updates through the gateway", () => {
  let tenant: Tenant;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let media: Awaited<ReturnType<typeof startReceiver>>;
  const as = (instanceId: string) => ({ "x-api-key": tenant.accountKey, "x-instance-id": instanceId });
  const statusAtB = (eventType: string, id: string) =>
    waitFor(
      async () =>
        receiver.received.find(
          (r) =>
            r.json?.instanceId === "status-b" &&
            r.json.eventType === eventType &&
            r.json.eventData.id === id &&
            r.json.eventData.isStatus === true,
        ),
      `${eventType} ${id} at B`,
    );

  before(async () => {
    receiver = await startReceiver();
    media = await startReceiver((_request, res) =>
      res.writeHead(200, { "content-type": "video/mp4" }).end(MP4),
    );
    tenant = await createTenant("status", ["status-a", "status-b"]);
    const settings = { webhookUrl: receiver.url };
    const put = await json("PUT", `${gateway}/account/instances/status-b/settings`, settings, {
      "x-api-key": tenant.accountKey,
    });
    assert.equal(put.status, 204);
    await pairInstance(tenant.accountKey, "status-a", PHONE_A);
    await pairInstance(tenant.accountKey, "status-b", PHONE_B);
    const contact = { id: `${PHONE_B}@s.whatsapp.net`, fullName: "B" };
    assert.equal((await json("POST", `${gateway}/contacts`, contact, as("status-a"))).status, 204);
  });

  after(async () => {
    await receiver.close();
    await media.close();
  });

  it("GET /status/privacy: 200 with WhatsApp's lists, default all contacts", async () => {
    const privacy = await json("GET", `${gateway}/status/privacy`, undefined, as("status-a"));
    assert.equal(privacy.status, 200);
    assert.deepEqual(z.array(StatusPrivacy).parse(privacy.body), [
      { type: "contacts", list: [], isDefault: true },
    ]);
    const set = await json("PUT", `${simulator}/v1/phones/${PHONE_A}/status/privacy`, {
      type: "whitelist",
      list: [PHONE_B],
    });
    assert.equal(set.status, 204);
    const after = await json("GET", `${gateway}/status/privacy`, undefined, as("status-a"));
    assert.deepEqual(after.body, [
      { type: "whitelist", list: [`${PHONE_B}@s.whatsapp.net`], isDefault: true },
    ]);
  });

  it("POST /status/text, /status/image (base64) and /status/video (url): 201 {id}, seen by B", async () => {
    const text = await json("POST", `${gateway}/status/text`, { text: "hello status" }, as("status-a"));
    assert.equal(text.status, 201, JSON.stringify(text.body));
    const { id: textId } = CreatedResponse.parse(text.body);
    const image = await json(
      "POST",
      `${gateway}/status/image`,
      { data: PNG_1PX, caption: "pixel" },
      as("status-a"),
    );
    assert.equal(image.status, 201, JSON.stringify(image.body));
    const { id: imageId } = CreatedResponse.parse(image.body);
    const video = await json(
      "POST",
      `${gateway}/status/video`,
      { data: MP4.toString("base64"), mimeType: "video/mp4" },
      as("status-a"),
    );
    assert.equal(video.status, 201, JSON.stringify(video.body));
    const { id: videoId } = CreatedResponse.parse(video.body);

    const textAtB = await statusAtB("message", textId);
    assert.equal(textAtB.json?.eventData.chatId, "status@broadcast");
    assert.equal(textAtB.json?.eventData.text, "hello status");
    const imageAtB = (await statusAtB("message", imageId)).json?.eventData.media as Record<string, unknown>;
    assert.deepEqual(
      [imageAtB.mediaType, imageAtB.mimeType, imageAtB.caption],
      ["image", "image/png", "pixel"],
    );
    const videoAtB = (await statusAtB("message", videoId)).json?.eventData.media as Record<string, unknown>;
    assert.deepEqual(
      [videoAtB.mediaType, videoAtB.mimeType, videoAtB.fileLength],
      ["video", "video/mp4", MP4.length],
    );
  });

  it("POST /status/{id}/delete: 204, B is told; a second revoke is refused with 400", async () => {
    const posted = await json("POST", `${gateway}/status/text`, { text: "oops" }, as("status-a"));
    const { id } = CreatedResponse.parse(posted.body);
    const revoke = await json("POST", `${gateway}/status/${id}/delete`, undefined, as("status-a"));
    assert.equal(revoke.status, 204);
    const deleted = await statusAtB("message_delete", id);
    assert.equal(deleted.json?.eventData.isDeletedForAll, true);
    const again = await json("POST", `${gateway}/status/${id}/delete`, undefined, as("status-a"));
    assert.equal(again.status, 400);
    assert.equal(again.body.code, "BAD_REQUEST");
  });

  it("fetches media by url only from public addresses: a loopback url is refused with 400", async () => {
    const refused = await json(
      "POST",
      `${gateway}/status/video`,
      { url: `${media.url}/clip.mp4` },
      as("status-a"),
    );
    assert.equal(refused.status, 400);
    assert.equal(refused.body.code, "BAD_REQUEST");
    assert.equal(media.received.length, 0, "the instance never connected");
  });

  it("refuses a media status with both or neither of data and url: 400 VALIDATION", async () => {
    for (const body of [{}, { data: PNG_1PX, url: `${media.url}/x.png` }]) {
      const refused = await json("POST", `${gateway}/status/image`, body, as("status-a"));
      assert.equal(refused.status, 400);
      assert.equal(refused.body.code, "VALIDATION");
    }
  });
});
