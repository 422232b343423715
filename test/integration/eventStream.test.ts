import assert from "node:assert/strict";
import { randomInt } from "node:crypto";
import { after, before, describe, it } from "node:test";
import { type Receiver, startReceiver } from "../support/receiver.js";
import { openEventStream } from "../support/sse.js";
import { adminDb, json, stack } from "../support/stack.js";
import { createTenant, pairInstance, type Tenant } from "../support/tenants.js";
import { waitFor } from "../support/wait.js";

// GET /events/stream through the public gateway on the simulated network: live events, a reconnect
// with Last-Event-ID that gets exactly what it missed, pull mode, and what the log stores.
const { gateway, simulator } = stack();
const PHONE = `1556${randomInt(1e6, 9e6)}`;
const CONTACT = `1557${randomInt(1e6, 9e6)}`;
const SENTINEL = `stream-sentinel-${randomInt(1e9)}`;
const INSTANCE = "streamer";
const HOUR = 3600_000;

describe("event stream", () => {
  let tenant: Tenant;
  let receiver: Receiver;
  const headers = () => ({ "x-api-key": tenant.accountKey, "x-instance-id": INSTANCE });
  const say = async (text: string) => {
    const sent = await json("POST", `${simulator}/v1/phones/${CONTACT}/messages`, { to: PHONE, text });
    assert.equal(sent.status, 201);
  };
  const hooked = () => receiver.received.flatMap((r) => (r.json ? [r.json] : []));
  const hookedText = (text: string) =>
    hooked().find((e) => e.eventType === "message" && JSON.stringify(e.eventData).includes(text));
  const settings = (body: Record<string, unknown>) =>
    json("PUT", `${gateway}/account/instances/${INSTANCE}/settings`, body, {
      "x-api-key": tenant.accountKey,
    });

  before(async () => {
    receiver = await startReceiver();
    tenant = await createTenant("stream", [INSTANCE]);
    assert.equal((await settings({ webhookUrl: receiver.url })).status, 204);
    await pairInstance(tenant.accountKey, INSTANCE, PHONE);
    await say(`hello ${SENTINEL}`);
    await waitFor(async () => hookedText(`hello ${SENTINEL}`), "the first message at the webhook");
  });
  after(() => receiver.close());

  it("streams live events, and a reconnect with Last-Event-ID gets exactly the missed ones", async () => {
    const first = await openEventStream(`${gateway}/events/stream`, headers());
    assert.equal(first.status, 200);
    await say(`live-1 ${SENTINEL}`);
    await waitFor(
      async () => first.events().find((m) => m.event === "message" && m.data?.includes("live-1")),
      "live-1 on the stream",
    );
    first.close();
    await first.ended;
    const seen = first.events();
    const lastId = seen.at(-1)!.id!;
    assert.deepEqual(JSON.parse(seen.at(-1)!.data!).eventId, lastId, "id is the envelope's eventId");

    await say(`missed-1 ${SENTINEL}`);
    await say(`missed-2 ${SENTINEL}`);
    await waitFor(async () => hookedText(`missed-2 ${SENTINEL}`), "missed-2 at the webhook");

    const second = await openEventStream(`${gateway}/events/stream`, {
      ...headers(),
      "last-event-id": lastId,
    });
    assert.equal(second.status, 200);
    await say(`live-2 ${SENTINEL}`);
    await waitFor(
      async () => second.events().find((m) => m.data?.includes("live-2")) && hookedText(`live-2 ${SENTINEL}`),
      "live-2 on the stream and at the webhook",
    );
    second.close();
    const replayed = second.events().map((m) => m.id!);
    assert.equal(new Set(replayed).size, replayed.length, "no duplicates");
    const firstIds = new Set(seen.map((m) => m.id));
    assert.ok(!replayed.some((id) => firstIds.has(id)), "nothing the first connection already had");
    // Exactly what the log holds after the last event the first connection had, in log order.
    const log = (await adminDb().collection("eventLog").where("accountId", "==", tenant.user.uid).get()).docs
      .map((doc) => doc.data())
      .sort((a, b) => a.seq - b.seq);
    const after = log
      .slice(log.findIndex((entry) => entry.eventId === lastId) + 1)
      .map((entry) => entry.eventId);
    assert.deepEqual(replayed, after);
    for (const text of ["missed-1", "missed-2", "live-2"]) {
      const atHook = hookedText(`${text} ${SENTINEL}`)!;
      assert.ok(replayed.includes(atHook.eventId), `${text}: the event the webhook got, by its id`);
    }
    const texts = second.events().map((m) => JSON.parse(m.data!).eventData?.text ?? JSON.stringify(m.data));
    assert.ok(texts.findIndex((t) => t.includes("missed-1")) < texts.findIndex((t) => t.includes("live-2")));
  });

  it("answers another tenant exactly as for an instance that does not exist", async () => {
    const other = await createTenant("stream-other", []);
    const call = (instanceId: string) =>
      json("GET", `${gateway}/events/stream`, undefined, {
        "x-api-key": other.accountKey,
        "x-instance-id": instanceId,
      });
    const [theirs, unknown] = [await call(INSTANCE), await call("nobody-has-this")];
    assert.equal(theirs.status, 404);
    assert.deepEqual({ ...theirs.body, requestId: 0 }, { ...unknown.body, requestId: 0 });
  });

  it("logs no plaintext, for the retention, and in pull mode leaves message events off the webhook", async () => {
    assert.equal((await settings({ pullMode: true })).status, 204);
    const stream = await openEventStream(`${gateway}/events/stream`, headers());
    await say(`pulled ${SENTINEL}`);
    await waitFor(
      async () => stream.events().find((m) => m.data?.includes("pulled")),
      "the pulled message on the stream",
    );
    stream.close();
    // The webhook would have had it within this time (the events above took well under a second).
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    assert.equal(hookedText(`pulled ${SENTINEL}`), undefined, "pull mode: not pushed");

    const logged = await adminDb().collection("eventLog").where("accountId", "==", tenant.user.uid).get();
    assert.ok(logged.size >= 5, `the instance's events are logged (${logged.size})`);
    for (const doc of logged.docs) {
      assert.ok(!JSON.stringify(doc.data()).includes(SENTINEL), "no message text in the log");
      const { loggedAt, retainUntil, expireAt } = doc.data();
      assert.equal(retainUntil - loggedAt, 24 * HOUR, "kept for the default retention");
      assert.ok(expireAt.toMillis() >= retainUntil, "never deleted before the retention ends");
    }
  });
});
