import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { json, stack } from "../support/stack.js";
import { createTenant, pairInstance, type Tenant } from "../support/tenants.js";

// Idempotency-Key through the gateway on the simulated network: a client that retries a send,
// even at the same moment, delivers one message to the contact and gets the same answer back.
const { gateway, simulator } = stack();
const PHONE = `1558${Math.floor(1e6 + Math.random() * 8e6)}`;
const CONTACT = `1559${Math.floor(1e6 + Math.random() * 8e6)}`;

describe("Idempotency-Key on sends", () => {
  let tenant: Tenant;
  const headers = (key: string) => ({
    "x-api-key": tenant.accountKey,
    "x-instance-id": "sender",
    "idempotency-key": key,
  });
  const received = async (text: string) => {
    const inbox = await json("GET", `${simulator}/v1/phones/${CONTACT}/messages`);
    return (inbox.body as unknown as Array<{ text?: string }>).filter((entry) => entry.text === text).length;
  };

  before(async () => {
    tenant = await createTenant("idempotent", ["sender"]);
    await pairInstance(tenant.accountKey, "sender", PHONE);
    // The contact exists on the network once it has said something.
    const hello = await json("POST", `${simulator}/v1/phones/${CONTACT}/messages`, { to: PHONE, text: "hi" });
    assert.equal(hello.status, 201);
  });

  it("sends once for two identical requests, concurrent or repeated, with the same answer", async () => {
    const send = { to: `${CONTACT}@s.whatsapp.net`, text: "exactly once" };
    const [a, b] = await Promise.all([
      json("POST", `${gateway}/messages/text`, send, headers("order-1")),
      json("POST", `${gateway}/messages/text`, send, headers("order-1")),
    ]);
    const c = await json("POST", `${gateway}/messages/text`, send, headers("order-1"));
    assert.ok(a.status < 300, JSON.stringify(a.body));
    assert.deepEqual([b.status, c.status], [a.status, a.status]);
    assert.deepEqual(b.body, a.body);
    assert.deepEqual(c.body, a.body);
    assert.equal(c.headers.get("idempotent-replayed"), "true");
    assert.equal(await received("exactly once"), 1, "one message at the contact");
  });

  it("refuses the same key with another body (422 problem) and sends nothing", async () => {
    const other = await json(
      "POST",
      `${gateway}/messages/text`,
      { to: `${CONTACT}@s.whatsapp.net`, text: "not this one" },
      headers("order-1"),
    );
    assert.equal(other.status, 422);
    assert.equal(other.body.code, "IDEMPOTENCY_KEY_REUSED");
    assert.equal(other.headers.get("content-type"), "application/problem+json");
    assert.equal(await received("not this one"), 0);
  });

  it("refuses a malformed key with a 400 problem", async () => {
    const bad = await json(
      "POST",
      `${gateway}/messages/text`,
      { to: `${CONTACT}@s.whatsapp.net`, text: "never sent" },
      headers("two words"),
    );
    assert.equal(bad.status, 400);
    assert.match(String(bad.body.detail), /Idempotency-Key/);
    assert.equal(await received("never sent"), 0);
  });
});
