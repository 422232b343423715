import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { Webhook } from "standardwebhooks";
import { startReceiver } from "../support/receiver.js";
import { json, stack } from "../support/stack.js";
import { createTenant, pairInstance, setAccountStatus, type Tenant } from "../support/tenants.js";
import { waitFor } from "../support/wait.js";

// The whole path on the local stack: two instances pair on the simulated network, A messages B
// through the gateway, an outside contact messages A, and the events arrive as signed webhooks.
const { gateway, simulator } = stack();
const PHONE_A = `1555${Math.floor(1e6 + Math.random() * 8e6)}`;
const PHONE_B = `1556${Math.floor(1e6 + Math.random() * 8e6)}`;
const CONTACT = `1557${Math.floor(1e6 + Math.random() * 8e6)}`;
const SECRET = `whsec_${Buffer.from("messaging-test-signing-key-0123456789").toString("base64")}`;
const PNG_1PX =
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=";

describe("messaging end to end", () => {
  let tenant: Tenant;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  const as = (instanceId: string) => ({ "x-api-key": tenant.accountKey, "x-instance-id": instanceId });

  const pair = (instanceId: string, phone: string) => pairInstance(tenant.accountKey, instanceId, phone);

  const eventsOf = (instanceId: string, eventType: string) =>
    receiver.received.filter((r) => r.json?.instanceId === instanceId && r.json?.eventType === eventType);

  before(async () => {
    receiver = await startReceiver();
    tenant = await createTenant("messaging", ["phone-a", "phone-b"]);
    for (const id of ["phone-a", "phone-b"]) {
      const settings = { webhookUrl: receiver.url, eventSigningSecret: SECRET };
      const put = await json("PUT", `${gateway}/account/instances/${id}/settings`, settings, {
        "x-api-key": tenant.accountKey,
      });
      assert.equal(put.status, 204);
    }
  });

  after(() => receiver.close());

  it("answers 409 while unpaired, then pairs both instances by QR", async () => {
    const unpaired = await json(
      "POST",
      `${gateway}/messages/text`,
      { to: `${PHONE_B}@s.whatsapp.net`, text: "hi" },
      as("phone-a"),
    );
    assert.equal(unpaired.status, 409);
    await pair("phone-a", PHONE_A);
    await pair("phone-b", PHONE_B);
    const detail = await waitFor(
      () =>
        json("GET", `${gateway}/account/instances/phone-a`, undefined, { "x-api-key": tenant.accountKey }),
      "detail",
      { until: (r) => r.body.status === "connected" },
    );
    assert.equal(detail.body.status, "connected", "the control plane saw logged_in");
    const loggedIn = await waitFor(async () => eventsOf("phone-a", "logged_in").length, "loggedIn", {
      until: (n) => n >= 1,
    });
    assert.ok(loggedIn >= 1, "logged_in reached the webhook");
  });

  it("A sends text, an image and a reaction to B; B's webhooks carry them, signed", async () => {
    const to = `${PHONE_B}@s.whatsapp.net`;
    const text = await json("POST", `${gateway}/messages/text`, { to, text: "hello from A" }, as("phone-a"));
    assert.equal(text.status, 201, JSON.stringify(text.body));
    const messageId = String(text.body.id);
    const image = await json(
      "POST",
      `${gateway}/messages/image`,
      { to, data: PNG_1PX, mimeType: "image/png", caption: "pixel" },
      as("phone-a"),
    );
    assert.equal(image.status, 201, JSON.stringify(image.body));
    const reaction = await json(
      "POST",
      `${gateway}/messages/${messageId}/reaction`,
      { to, senderId: `${PHONE_A}@s.whatsapp.net`, reaction: "👍" },
      as("phone-a"),
    );
    assert.equal(reaction.status, 200, JSON.stringify(reaction.body));

    await waitFor(async () => eventsOf("phone-b", "message").length, "three message events at B", {
      until: (n) => n >= 3,
      timeoutMs: 30_000,
    });
    const messages = eventsOf("phone-b", "message").map((r) => r.json?.eventData ?? {});
    assert.ok(messages.some((m) => m.text === "hello from A" && m.type === "text"));
    assert.ok(
      messages.some(
        (m) => m.type === "media" && (m.media as { mimeType?: string })?.mimeType === "image/png",
      ),
    );
    assert.ok(
      messages.some(
        (m) => m.type === "reaction" && (m.reaction as { text?: string } | string | undefined) !== undefined,
      ),
    );
    const verifier = new Webhook(SECRET);
    for (const delivery of eventsOf("phone-b", "message")) {
      const headers = {
        "webhook-id": String(delivery.headers["webhook-id"]),
        "webhook-timestamp": String(delivery.headers["webhook-timestamp"]),
        "webhook-signature": String(delivery.headers["webhook-signature"]),
      };
      assert.doesNotThrow(() => verifier.verify(delivery.body, headers));
      assert.match(String(delivery.headers["x-webhook-signature"]), /^sha256=[0-9a-f]{64}$/);
    }
  });

  it("an outside contact's message reaches A's webhook", async () => {
    const sent = await json("POST", `${simulator}/v1/phones/${CONTACT}/messages`, {
      to: PHONE_A,
      text: "hello from outside",
    });
    assert.equal(sent.status, 201);
    const arrived = await waitFor(
      async () => eventsOf("phone-a", "message").find((r) => r.json?.eventData.text === "hello from outside"),
      "arrived",
      { timeoutMs: 30_000 },
    );
    assert.ok(arrived, "the contact's message was delivered");
    assert.equal(arrived.json?.instanceId, "phone-a");
    assert.match(arrived.json?.eventId, /^evt_\d{13}_[0-9a-f]{16}$/);
  });

  it("a suspended account's instance gets no deliveries until it is reactivated", async () => {
    const say = async (text: string) => {
      const sent = await json("POST", `${simulator}/v1/phones/${CONTACT}/messages`, { to: PHONE_A, text });
      assert.equal(sent.status, 201);
    };
    const arrived = (text: string) =>
      eventsOf("phone-a", "message").some((r) => r.json?.eventData.text === text);
    await setAccountStatus(tenant.user.uid, "suspended");
    await new Promise((resolve) => setTimeout(resolve, 5_500)); // the events function's 5 s status cache
    await say("while suspended");
    // The instance sends its events in order, so once a later message is delivered the earlier
    // one has been handled: accepted and dropped.
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    await setAccountStatus(tenant.user.uid, "active");
    await new Promise((resolve) => setTimeout(resolve, 5_500));
    await say("after reactivation");
    await waitFor(async () => arrived("after reactivation"), "the message after reactivation", {
      timeoutMs: 30_000,
    });
    assert.ok(arrived("after reactivation"), "deliveries resume once the account is active");
    assert.ok(!arrived("while suspended"), "nothing was delivered for the suspended account");
  });
});
