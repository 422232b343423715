// Newsletters on the simulated network, through the instance API: create, look up by JID and invite
// code, follow, mute, unfollow (each reported as a `newsletter` event), and the owner's posts
// reaching followers.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { NewsletterInfo } from "@wsapi/contracts/newsletter-api";
import { type InstanceClient, pairByQr, simulatorCall } from "./support/instances.js";
import { startTestNetwork, type TestNetwork } from "./support/network.js";

const PHONE_A = "15562000001";
const PHONE_B = "15562000002";

describe("simulated network: newsletters", () => {
  let net: TestNetwork;
  let a: InstanceClient;
  let b: InstanceClient;
  let newsletterId: string;

  before(async () => {
    net = await startTestNetwork(["nl_a", "nl_b"]);
    [a, b] = ["nl_a", "nl_b"].map((id) => net.clients.get(id)!) as [InstanceClient, InstanceClient];
    await pairByQr(a, net.simulator.url, PHONE_A);
    await pairByQr(b, net.simulator.url, PHONE_B);
  });

  after(() => net.close());

  it("creates a newsletter its owner lists, and anyone finds by JID or invite code", async () => {
    const body = { name: "Daily news", description: "What happened", picture: "iVBORw0KGgo=" };
    ({ id: newsletterId } = await a.json<{ id: string }>("POST", "/newsletters", body, 201));
    assert.match(newsletterId, /^\d+@newsletter$/);
    const [owned] = await a.json<unknown[]>("GET", "/newsletters");
    const info = NewsletterInfo.parse(owned);
    assert.deepEqual(
      [info.id, info.name, info.description, info.role, info.subscriberCount, info.state],
      [newsletterId, "Daily news", "What happened", "OWNER", 0, "ACTIVE"],
    );
    const asGuest = NewsletterInfo.parse(await b.json("GET", `/newsletters/${newsletterId}`));
    assert.equal(asGuest.role, "GUEST");
    assert.equal(asGuest.mute, undefined);
    const byCode = NewsletterInfo.parse(await b.json("GET", `/newsletters/invite/${info.inviteCode}`));
    assert.equal(byCode.id, newsletterId);
    assert.equal((await b.call("GET", "/newsletters/invite/0029VaUnknownCode000000")).status, 404);
    assert.equal((await b.call("GET", "/newsletters/120363999999999999@newsletter")).status, 404);
    assert.deepEqual(await b.json("GET", "/newsletters"), []);
  });

  it("follows, mutes and unfollows, each told as a newsletter event; the owner's posts arrive", async () => {
    const follow = await b.call("PUT", `/newsletters/${newsletterId}/subscription`, { subscribed: true });
    assert.equal(follow.status, 204);
    const joined = await net.waitEvent("nl_b", "newsletter", (d) => d.action === "join");
    assert.deepEqual(joined.eventData, {
      id: newsletterId,
      action: "join",
      name: "Daily news",
      role: "SUBSCRIBER",
    });
    const [followed] = await b.json<unknown[]>("GET", "/newsletters");
    assert.deepEqual(
      [NewsletterInfo.parse(followed).role, NewsletterInfo.parse(followed).mute],
      ["SUBSCRIBER", "OFF"],
    );

    assert.equal((await b.call("PUT", `/newsletters/${newsletterId}/mute`, { mute: true })).status, 204);
    const muted = await net.waitEvent("nl_b", "newsletter", (d) => d.action === "mute");
    assert.deepEqual(muted.eventData, { id: newsletterId, action: "mute", mute: "MUTED" });
    assert.equal(NewsletterInfo.parse(await b.json("GET", `/newsletters/${newsletterId}`)).mute, "ON");

    const posted = await simulatorCall(
      net.simulator.url,
      "POST",
      `/v1/phones/${PHONE_A}/newsletters/${newsletterId}/messages`,
      {
        text: "breaking",
      },
    );
    assert.equal(posted.status, 201);
    const { id } = (await posted.json()) as { id: string };
    const atB = await net.waitEvent("nl_b", "message", (d) => d.id === id);
    assert.deepEqual(
      [(atB.eventData as { chatId: string }).chatId, (atB.eventData as { text?: string }).text],
      [newsletterId, "breaking"],
    );

    assert.equal(
      (await b.call("PUT", `/newsletters/${newsletterId}/subscription`, { subscribed: false })).status,
      204,
    );
    await net.waitEvent("nl_b", "newsletter", (d) => d.action === "leave");
    assert.deepEqual(await b.json("GET", "/newsletters"), []);
  });

  it("refuses muting without following, and the owner following their own newsletter: 400", async () => {
    assert.equal((await b.call("PUT", `/newsletters/${newsletterId}/mute`, { mute: true })).status, 400);
    const own = await a.call("PUT", `/newsletters/${newsletterId}/subscription`, { subscribed: true });
    assert.equal(own.status, 400);
    const unknown = await b.call("PUT", "/newsletters/120363999999999999@newsletter/subscription", {
      subscribed: true,
    });
    assert.equal(unknown.status, 400);
    assert.equal((await b.call("PUT", "/newsletters/not-a-jid/mute", { mute: true })).status, 400);
  });
});
