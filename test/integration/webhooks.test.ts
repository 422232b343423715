import assert from "node:assert/strict";
import { createHmac, randomInt } from "node:crypto";
import { after, before, describe, it } from "node:test";
import { Webhook } from "standardwebhooks";
import { type Received, startReceiver } from "../support/receiver.js";
import { adminDb, asUser, type DashboardUser, json, signUpAndSignIn, stack } from "../support/stack.js";
import { createTenant, setAccountStatus, type Tenant } from "../support/tenants.js";
import { waitFor } from "../support/wait.js";

// Webhooks end to end: events from a simulated phone and the dashboard's test event travel through
// the events function, Cloud Tasks and the deliverwebhook handler to a real local receiver that
// verifies every request with the official standardwebhooks package.
// Needs WSAPI_WEBHOOK_SCHEDULE_SCALE=0.0001 in the stack (the whole schedule then takes ~30 s).
const { gateway, dashboard, simulator } = stack();
const SENTINEL = `sentinel-${randomInt(1e9)}-message-content`;
const INSTANCE = "hooks-1";

type Action = "ok" | "fail" | "reset" | "hang" | "gone";

/** A customer's receiver: verifies each request, then answers as `plan(webhookId, nth)` says. */
async function startCustomerReceiver() {
  let secrets: string[] = [];
  let plan: (webhookId: string, nth: number) => Action = () => "ok";
  const verified = new WeakSet<Received>();
  const receiver = await startReceiver((request, res) => {
    const valid = secrets.some((secret) => {
      try {
        new Webhook(secret).verify(request.body, request.headers);
        return true;
      } catch {
        return false;
      }
    });
    if (valid) verified.add(request);
    const id = request.headers["webhook-id"];
    const action = plan(String(id), receiver.received.filter((r) => r.headers["webhook-id"] === id).length);
    if (action === "ok") res.writeHead(valid ? 204 : 401).end();
    else if (action === "fail") res.writeHead(503).end();
    else if (action === "gone") res.writeHead(410).end();
    else if (action === "reset") res.socket?.resetAndDestroy();
    // "hang": no answer until close() ends the connection.
  });
  const withVerdict = (r: Received) => ({ ...r, verified: verified.has(r) });
  return {
    url: receiver.url,
    received: () => receiver.received.map(withVerdict),
    of: (webhookId: string) =>
      receiver.received.filter((r) => r.headers["webhook-id"] === webhookId).map(withVerdict),
    setSecrets: (next: string[]) => (secrets = next),
    setPlan: (next: typeof plan) => (plan = next),
    close: receiver.close,
  };
}

type Delivery = {
  id: string;
  eventId: string;
  eventType: string;
  state: string;
  reason: string | null;
  retryable: boolean;
  attempts: Array<{
    attemptNumber: number;
    statusCode: number | null;
    error: string | null;
    durationMs: number;
  }>;
};

describe("signed, durable webhooks through the local stack", () => {
  let tenant: Tenant;
  let receiver: Awaited<ReturnType<typeof startCustomerReceiver>>;
  const user = (): DashboardUser => tenant.user;
  const instanceHeaders = () => ({ "x-api-key": tenant.instances[0]!.apiKey, "x-instance-id": INSTANCE });
  const webhook = (path: string) => `${dashboard}/v1/instances/${INSTANCE}/webhook/${path}`;

  async function deliveries(): Promise<{ items: Delivery[]; endpoint: Record<string, unknown> }> {
    const page = await json(
      "GET",
      `${dashboard}/v1/instances/${INSTANCE}/deliveries?pageSize=100`,
      undefined,
      asUser(user(), false),
    );
    assert.equal(page.status, 200, JSON.stringify(page.body));
    return page.body as never;
  }

  async function settled(
    deliveryId: string,
    states = ["delivered", "exhausted", "disabled"],
    timeoutMs = 60_000,
  ) {
    const found = await waitFor(
      async () => (await deliveries()).items.find((item) => item.id === deliveryId),
      "found",
      { until: (item) => !!item && states.includes(item.state), timeoutMs },
    );
    const hint = "retries need WSAPI_WEBHOOK_SCHEDULE_SCALE=0.0001 in the stack";
    assert.ok(found && states.includes(found.state), `delivery ended ${found?.state} (${hint})`);
    return found!;
  }

  async function sendTest() {
    const sent = await json("POST", webhook("test"), undefined, asUser(user()));
    assert.equal(sent.status, 202, JSON.stringify(sent.body));
    return sent.body as { deliveryId: string; eventId: string };
  }

  before(async () => {
    receiver = await startCustomerReceiver();
    tenant = await createTenant("webhooks", [INSTANCE]);
    const settings = await json(
      "PUT",
      `${gateway}/account/instances/${INSTANCE}/settings`,
      { webhookUrl: receiver.url },
      { "x-api-key": tenant.accountKey },
    );
    assert.equal(settings.status, 204);
    const revealed = await json("POST", webhook("secret/reveal"), undefined, asUser(user()));
    assert.equal(revealed.status, 200);
    assert.match(String(revealed.body.secret), /^whsec_/);
    receiver.setSecrets([String(revealed.body.secret)]);
  });
  after(() => receiver.close());

  it("delivers the dashboard's test event signed for standardwebhooks and WSAPI's HMAC", async () => {
    const { deliveryId, eventId } = await sendTest();
    const delivery = await settled(deliveryId);
    assert.equal(delivery.state, "delivered");
    const [request] = receiver.of(eventId);
    assert.ok(request?.verified, "standardwebhooks verified the request");
    const secret = (await json("POST", webhook("secret/reveal"), undefined, asUser(user()))).body
      .secret as string;
    const hmac = createHmac("sha256", secret).update(request!.body).digest("hex");
    assert.equal(request!.headers["x-webhook-signature"], `sha256=${hmac}`);
    assert.equal(request!.headers["x-instance-id"], INSTANCE);
    assert.equal(JSON.parse(request!.body).eventType, "webhook_test");
  });

  it("delivers a message from a simulated contact, and the delivery log holds no content", async () => {
    // The events function caches an instance (settings included) for up to 5 s per worker, so a
    // webhookUrl set just before is guaranteed to apply only after that bound.
    await new Promise((resolve) => setTimeout(resolve, 5_500));
    const phone = `1555${randomInt(1e6, 1e7)}`;
    const contact = `1556${randomInt(1e6, 1e7)}`;
    const linked = await waitFor(
      async () => {
        const qr = await json("GET", `${gateway}/session/qr/text`, undefined, instanceHeaders());
        if (qr.status !== 200) return qr.status;
        return (await json("POST", `${simulator}/v1/phones/${phone}/link`, { qr: qr.body.code })).status;
      },
      "linked",
      { until: (status) => status === 200 },
    );
    assert.equal(
      linked,
      200,
      "no QR to scan: is the instance connected to the simulator and the control plane?",
    );
    await waitFor(
      async () => receiver.received().some((r) => JSON.parse(r.body).eventType === "logged_in"),
      "the logged_in webhook",
    );
    assert.equal(
      (await json("POST", `${simulator}/v1/phones/${contact}/messages`, { to: phone, text: SENTINEL }))
        .status,
      201,
    );
    const message = await waitFor(
      async () => receiver.received().find((r) => r.body.includes(SENTINEL)),
      "the message webhook",
    );
    const seen = receiver.received().map((r) => JSON.parse(r.body).eventType);
    assert.ok(message, `the message never arrived; the receiver got ${seen.join(", ")}`);
    assert.ok(message.verified);
    assert.equal(JSON.parse(message!.body).eventType, "message");
    const log = await deliveries();
    assert.ok(log.items.some((item) => item.eventType === "message" && item.state === "delivered"));
    assert.ok(!JSON.stringify(log).includes(SENTINEL));
    const db = adminDb();
    const stored = await db.collection(`accounts/${user().uid}/instances/${INSTANCE}/deliveries`).get();
    const attempts = await Promise.all(stored.docs.map((doc) => doc.ref.collection("attempts").get()));
    const payloads = await db.collection("deliveryPayloads").where("accountId", "==", user().uid).get();
    const everything = JSON.stringify(
      [stored.docs, attempts.flatMap((a) => a.docs), payloads.docs].flat().map((d) => d.data()),
    );
    assert.ok(!everything.includes(SENTINEL), "message content was written to Firestore");
  });

  it("gives a failing receiver every event once it recovers: same webhook-id, attempts in order", async () => {
    const script: Action[] = ["fail", "reset", "fail"];
    receiver.setPlan((_id, nth) => script[nth - 1] ?? "ok");
    const sent = await Promise.all([sendTest(), sendTest(), sendTest()]);
    for (const { deliveryId, eventId } of sent) {
      const delivery = await settled(deliveryId);
      assert.equal(delivery.state, "delivered");
      const requests = receiver.of(eventId);
      assert.equal(requests.length, 4);
      assert.ok(requests.every((r) => r.verified && r.headers["webhook-id"] === eventId));
      assert.deepEqual(
        delivery.attempts.map((a) => [a.attemptNumber, a.statusCode, a.error?.split(":")[0] ?? null]),
        [
          [1, 503, "HTTP 503"],
          [2, null, "connection_reset"],
          [3, 503, "HTTP 503"],
          [4, 204, null],
        ],
      );
    }
  });

  it("times out a receiver that hangs, then delivers on the next attempt", { timeout: 90_000 }, async () => {
    receiver.setPlan((_id, nth) => (nth === 1 ? "hang" : "ok"));
    const { deliveryId } = await sendTest();
    const delivery = await settled(deliveryId, ["delivered"], 75_000);
    assert.match(delivery.attempts[0]!.error!, /^timeout/);
    assert.ok(delivery.attempts[0]!.durationMs >= 14_900, `${delivery.attempts[0]!.durationMs} ms`);
    assert.equal(delivery.attempts[1]!.statusCode, 204);
  });

  it("exhausts the schedule, then a manual retry delivers the held payload", {
    timeout: 150_000,
  }, async () => {
    receiver.setPlan(() => "fail");
    const { deliveryId, eventId } = await sendTest();
    const exhausted = await settled(deliveryId, ["exhausted"], 120_000);
    assert.equal(exhausted.attempts.length, 10);
    assert.ok(exhausted.retryable);
    receiver.setPlan(() => "ok");
    const retried = await json(
      "POST",
      `${dashboard}/v1/deliveries/${deliveryId}/retry`,
      undefined,
      asUser(user()),
    );
    assert.equal(retried.status, 202);
    const delivered = await settled(deliveryId, ["delivered"]);
    assert.equal(delivered.attempts.length, 11);
    assert.equal(new Set(receiver.of(eventId).map((r) => r.headers["webhook-id"])).size, 1);
  });

  it("disables the endpoint on 410 with a visible reason until the owner enables it", async () => {
    receiver.setPlan(() => "gone");
    const { deliveryId } = await sendTest();
    const disabled = await settled(deliveryId, ["disabled"]);
    assert.match(disabled.reason!, /410/);
    const log = await deliveries();
    assert.equal(log.endpoint.enabled, false);
    assert.equal((await json("POST", webhook("test"), undefined, asUser(user()))).status, 409);
    receiver.setPlan(() => "ok");
    assert.equal((await json("POST", webhook("enable"), undefined, asUser(user()))).status, 204);
    assert.equal((await settled((await sendTest()).deliveryId)).state, "delivered");
  });

  it("keeps deliveries private: other tenants and anonymous callers get 404 / 401", async () => {
    const { deliveryId } = await sendTest();
    const stranger = await signUpAndSignIn("webhook-stranger");
    const list = `${dashboard}/v1/instances/${INSTANCE}/deliveries`;
    assert.equal((await json("GET", list, undefined, asUser(stranger, false))).status, 404);
    assert.equal(
      (await json("POST", `${dashboard}/v1/deliveries/${deliveryId}/retry`, undefined, asUser(stranger)))
        .status,
      404,
    );
    assert.equal((await json("POST", webhook("secret/reveal"), undefined, asUser(stranger))).status, 404);
    assert.equal((await json("GET", list)).status, 401);
    assert.equal((await json("POST", `${dashboard}/v1/deliveries/${deliveryId}/retry`)).status, 401);
    assert.equal((await json("POST", webhook("test"), undefined, asUser(user(), false))).status, 403);
  });

  it("signs with old and new secrets after a rotation", async () => {
    const old = String((await json("POST", webhook("secret/reveal"), undefined, asUser(user()))).body.secret);
    const rotated = await json("POST", webhook("secret/rotate"), undefined, asUser(user()));
    assert.equal(rotated.status, 200);
    assert.ok(rotated.body.previousSecretExpiresAt);
    receiver.setSecrets([String(rotated.body.secret)]);
    const { deliveryId, eventId } = await sendTest();
    await settled(deliveryId);
    const [request] = receiver.of(eventId);
    assert.ok(request?.verified, "verified with the new secret");
    new Webhook(old).verify(request!.body, request!.headers as Record<string, string>);
  });

  // Last: it suspends the tenant (the worker caches account status for 5 s).
  it("refuses a suspended account's retry (403) and makes no further attempt of its deliveries", {
    timeout: 90_000,
  }, async () => {
    receiver.setPlan((_id, nth) => (nth === 1 ? "hang" : "ok"));
    const { deliveryId, eventId } = await sendTest();
    await waitFor(async () => receiver.of(eventId).length, "the first (hanging) attempt", {
      until: (count) => count === 1,
      timeoutMs: 30_000,
    });
    const { uid } = user();
    await setAccountStatus(uid, "suspended");
    try {
      const retried = await json(
        "POST",
        `${dashboard}/v1/deliveries/${deliveryId}/retry`,
        undefined,
        asUser(user()),
      );
      assert.equal(retried.status, 403, JSON.stringify(retried.body));
      assert.match(retried.headers.get("content-type") ?? "", /application\/problem\+json/);
      assert.equal(retried.body.code, "FORBIDDEN");
      assert.match(String(retried.body.detail), /suspended/);
      // The hanging attempt times out (15 s); the worker then finds the account suspended.
      const record = adminDb()
        .collection("accounts")
        .doc(uid)
        .collection("instances")
        .doc(INSTANCE)
        .collection("deliveries")
        .doc(deliveryId);
      const cancelled = await waitFor(async () => (await record.get()).data(), "cancelled", {
        until: (data) => data?.state === "cancelled",
        timeoutMs: 60_000,
      });
      assert.equal(cancelled?.state, "cancelled", JSON.stringify(cancelled));
      assert.match(String(cancelled?.reason), /suspended/);
      assert.equal(cancelled?.nextAttemptAt, null);
      await new Promise((resolve) => setTimeout(resolve, 2_000));
      assert.equal(receiver.of(eventId).length, 1, "no attempt after the suspension");
    } finally {
      await setAccountStatus(uid, "active");
    }
  });
});
