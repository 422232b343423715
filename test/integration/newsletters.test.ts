import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { after, before, describe, it } from "node:test";
import { CreatedResponse } from "@wsapi/contracts/instance-api";
import { NewsletterInfo } from "@wsapi/contracts/newsletter-api";
import { Webhook } from "standardwebhooks";
import { z } from "zod";
import { startReceiver } from "../support/receiver.js";
import { json, stack } from "../support/stack.js";
import { createTenant, pairInstance, type Tenant } from "../support/tenants.js";
import { waitFor } from "../support/wait.js";

// Newsletters through the gateway on the simulated network: A creates one, B finds it by JID and
// invite code, follows and mutes it; each change reaches B's webhook as a signed `newsletter`
// event, and A's post reaches it as a `message` in the newsletter's chat.
const { gateway, simulator } = stack();
const PHONE_A = `1560${Math.floor(1e6 + Math.random() * 8e6)}`;
const PHONE_B = `1561${Math.floor(1e6 + Math.random() * 8e6)}`;
const SECRET = `whsec_${Buffer.from("newsletter-test-signing-key-0123456789").toString("base64")}`;

describe("newsletters through the gateway", () => {
  let tenant: Tenant;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let newsletterId: string;
  let inviteCode: string;
  const as = (instanceId: string) => ({ "x-api-key": tenant.accountKey, "x-instance-id": instanceId });
  const atB = (eventType: string, match: (data: Record<string, unknown>) => boolean) =>
    waitFor(
      async () =>
        receiver.received.find(
          (r) => r.json?.instanceId === "news-b" && r.json.eventType === eventType && match(r.json.eventData),
        ),
      `${eventType} at B`,
    );

  before(async () => {
    receiver = await startReceiver();
    tenant = await createTenant("newsletters", ["news-a", "news-b"]);
    const settings = { webhookUrl: receiver.url, eventSigningSecret: SECRET };
    const put = await json("PUT", `${gateway}/account/instances/news-b/settings`, settings, {
      "x-api-key": tenant.accountKey,
    });
    assert.equal(put.status, 204);
    await pairInstance(tenant.accountKey, "news-a", PHONE_A);
    await pairInstance(tenant.accountKey, "news-b", PHONE_B);
  });

  after(() => receiver.close());

  it("POST /newsletters: 201 {id}; GET /newsletters lists it for its owner", async () => {
    const created = await json(
      "POST",
      `${gateway}/newsletters`,
      { name: "Release notes", description: "What shipped" },
      as("news-a"),
    );
    assert.equal(created.status, 201, JSON.stringify(created.body));
    newsletterId = CreatedResponse.parse(created.body).id;
    const listed = await json("GET", `${gateway}/newsletters`, undefined, as("news-a"));
    assert.equal(listed.status, 200);
    const [owned] = z.array(NewsletterInfo).parse(listed.body);
    assert.deepEqual([owned?.id, owned?.name, owned?.role], [newsletterId, "Release notes", "OWNER"]);
    inviteCode = owned?.inviteCode ?? "";
  });

  it("GET /newsletters/{id} and /newsletters/invite/{code}: 200, 404 when unknown", async () => {
    const byId = await json("GET", `${gateway}/newsletters/${newsletterId}`, undefined, as("news-b"));
    assert.equal(byId.status, 200);
    assert.equal(NewsletterInfo.parse(byId.body).role, "GUEST");
    const byCode = await json("GET", `${gateway}/newsletters/invite/${inviteCode}`, undefined, as("news-b"));
    assert.equal(byCode.status, 200);
    assert.equal(NewsletterInfo.parse(byCode.body).id, newsletterId);
    const unknown = await json(
      "GET",
      `${gateway}/newsletters/invite/0029VaNoSuchCode00000000`,
      undefined,
      as("news-b"),
    );
    assert.equal(unknown.status, 404);
    assert.equal(unknown.body.code, "NOT_FOUND");
  });

  it("PUT subscription and mute: 204 each, signed newsletter events at B's webhook", async () => {
    const follow = await json(
      "PUT",
      `${gateway}/newsletters/${newsletterId}/subscription`,
      { subscribed: true },
      as("news-b"),
    );
    assert.equal(follow.status, 204);
    const joined = await atB("newsletter", (d) => d.id === newsletterId && d.action === "join");
    assert.deepEqual(joined.json?.eventData, {
      id: newsletterId,
      action: "join",
      name: "Release notes",
      role: "SUBSCRIBER",
    });
    const verifier = new Webhook(SECRET);
    const headers = {
      "webhook-id": String(joined.headers["webhook-id"]),
      "webhook-timestamp": String(joined.headers["webhook-timestamp"]),
      "webhook-signature": String(joined.headers["webhook-signature"]),
    };
    assert.doesNotThrow(() => verifier.verify(joined.body, headers));
    assert.equal(
      joined.headers["x-webhook-signature"],
      `sha256=${createHmac("sha256", SECRET).update(joined.body).digest("hex")}`,
    );

    const mute = await json(
      "PUT",
      `${gateway}/newsletters/${newsletterId}/mute`,
      { mute: true },
      as("news-b"),
    );
    assert.equal(mute.status, 204);
    const muted = await atB("newsletter", (d) => d.id === newsletterId && d.action === "mute");
    assert.equal(muted.json?.eventData.mute, "MUTED");
    const mine = await json("GET", `${gateway}/newsletters`, undefined, as("news-b"));
    const [followed] = z.array(NewsletterInfo).parse(mine.body);
    assert.deepEqual([followed?.role, followed?.mute], ["SUBSCRIBER", "ON"]);
  });

  it("A's post reaches B as a message in the newsletter's chat; unfollowing stops B's list", async () => {
    const posted = await json(
      "POST",
      `${simulator}/v1/phones/${PHONE_A}/newsletters/${newsletterId}/messages`,
      {
        text: "v2 is out",
      },
    );
    assert.equal(posted.status, 201);
    const message = await atB("message", (d) => d.id === posted.body.id);
    assert.deepEqual(
      [message.json?.eventData.chatId, message.json?.eventData.text],
      [newsletterId, "v2 is out"],
    );
    const unfollow = await json(
      "PUT",
      `${gateway}/newsletters/${newsletterId}/subscription`,
      { subscribed: false },
      as("news-b"),
    );
    assert.equal(unfollow.status, 204);
    await atB("newsletter", (d) => d.id === newsletterId && d.action === "leave");
    assert.deepEqual((await json("GET", `${gateway}/newsletters`, undefined, as("news-b"))).body, []);
  });
});
