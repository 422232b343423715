import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { describe, it } from "node:test";
import fc from "fast-check";
import { Webhook } from "standardwebhooks";
import { activeSecrets } from "../src/core/webhooks/secrets.js";
import { generateSigningSecret, standardWebhooksKey, webhookHeaders } from "../src/core/webhooks/signing.js";

const body = JSON.stringify({
  eventId: "evt_1700000000000_0123456789abcdef",
  instanceId: "sales-1",
  eventType: "message",
  receivedAt: "2025-05-19T00:51:44.816Z",
  eventData: { id: "m1", text: "héllo ✓" },
});
const now = () => Math.floor(Date.now() / 1000);
const wsapiHmac = (secret: string, raw: string) =>
  `sha256=${createHmac("sha256", Buffer.from(secret, "utf8")).update(raw).digest("hex")}`;

function sign(secrets: string[], extra: Partial<Parameters<typeof webhookHeaders>[0]> = {}) {
  return webhookHeaders({
    webhookId: "evt_1700000000000_0123456789abcdef",
    timestamp: now(),
    body,
    instanceId: "sales-1",
    secrets,
    ...extra,
  });
}

describe("webhook signatures", () => {
  it("are verified by the official standardwebhooks package with a generated whsec_ secret", () => {
    const secret = generateSigningSecret();
    assert.match(secret, /^whsec_[A-Za-z0-9+/]{43}=$/);
    const headers = sign([secret]);
    assert.deepEqual(new Webhook(secret).verify(body, headers), JSON.parse(body));
    assert.equal(headers["webhook-id"], "evt_1700000000000_0123456789abcdef");
    assert.equal(headers["x-instance-id"], "sales-1");
    assert.equal(headers["content-type"], "application/json");
  });

  it("carry WSAPI's X-Webhook-Signature: the hex HMAC-SHA256 of the raw body", () => {
    const secret = "customer-chosen-secret-1234";
    const headers = sign([secret]);
    assert.equal(headers["x-webhook-signature"], wsapiHmac(secret, body));
    // A customer's own non-whsec secret verifies with the library's raw format (its UTF-8 bytes).
    const raw = new Webhook(new Uint8Array(Buffer.from(secret, "utf8")), { format: "raw" });
    assert.deepEqual(raw.verify(body, headers), JSON.parse(body));
  });

  it("refuse a changed body, id or timestamp, and a stale timestamp", () => {
    const secret = generateSigningSecret();
    const verifier = new Webhook(secret);
    const headers = sign([secret]);
    assert.throws(() => verifier.verify(body.replace("héllo", "hello"), headers));
    assert.throws(() => verifier.verify(body, { ...headers, "webhook-id": "evt_other" }));
    assert.throws(() => verifier.verify(body, { ...headers, "webhook-timestamp": String(now() + 1) }));
    const stale = sign([secret], { timestamp: now() - 600 });
    assert.throws(() => verifier.verify(body, stale), /too old/);
    assert.throws(() => new Webhook(generateSigningSecret()).verify(body, headers));
  });

  it("sign with old and new secrets during the grace period, then only the new one", () => {
    const previous = generateSigningSecret();
    const current = generateSigningSecret();
    const state = { previous: { secret: previous, until: 1_000_000 } };
    const during = activeSecrets(current, state, 999_999);
    assert.deepEqual(during, [current, previous]);
    const headers = sign(during);
    for (const secret of [previous, current]) new Webhook(secret).verify(body, headers);
    assert.equal(headers["webhook-signature"]!.split(" ").length, 2);
    assert.equal(headers["x-webhook-signature"], `${wsapiHmac(current, body)}, ${wsapiHmac(previous, body)}`);
    const after = sign(activeSecrets(current, state, 1_000_000));
    new Webhook(current).verify(body, after);
    assert.throws(() => new Webhook(previous).verify(body, after));
  });

  it("add the customer's auth header but never let it replace a signature header", () => {
    const secret = generateSigningSecret();
    const withAuth = sign([secret], { auth: { header: "X-Customer-Auth", value: "token-1" } });
    assert.equal(withAuth["X-Customer-Auth"], "token-1");
    const hijack = sign([secret], { auth: { header: "Webhook-Signature", value: "v1,forged" } });
    assert.equal(hijack["Webhook-Signature"], undefined);
    new Webhook(secret).verify(body, hijack);
    assert.throws(() => sign([]), /unsigned/);
  });

  it("treat a non-canonical whsec_ string as raw bytes rather than guessing", () => {
    assert.deepEqual(standardWebhooksKey("whsec_abc"), Buffer.from("whsec_abc"));
    assert.equal(standardWebhooksKey(`whsec_${Buffer.alloc(24, 7).toString("base64")}`).length, 24);
  });

  it("verify for any body, id and timestamp within tolerance (property)", () => {
    fc.assert(
      fc.property(
        fc.string({ unit: "grapheme", maxLength: 300 }),
        fc.stringMatching(/^[A-Za-z0-9_-]{1,40}$/),
        fc.integer({ min: -250, max: 250 }),
        (text, webhookId, skew) => {
          const secret = generateSigningSecret();
          const raw = JSON.stringify({ text });
          const headers = webhookHeaders({
            webhookId,
            timestamp: now() + skew,
            body: raw,
            instanceId: "i",
            secrets: [secret],
          });
          new Webhook(secret).verify(raw, headers);
          assert.equal(headers["x-webhook-signature"], wsapiHmac(secret, raw));
        },
      ),
      { numRuns: 200 },
    );
  });

  it("sign 1 KB payloads fast enough not to matter (prints signatures/s)", () => {
    const secret = generateSigningSecret();
    const kilobyte = JSON.stringify({ text: "x".repeat(1000) }).slice(0, 1024);
    const rounds = 20_000;
    const started = process.hrtime.bigint();
    for (let i = 0; i < rounds; i++) {
      webhookHeaders({
        webhookId: `evt_${i}`,
        timestamp: 1,
        body: kilobyte,
        instanceId: "i",
        secrets: [secret],
      });
    }
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const perSecond = Math.round(rounds / seconds);
    console.log(`webhook signing: ${perSecond} signed requests/s (1 KB, both schemes)`);
    assert.ok(perSecond > 2_000, `only ${perSecond}/s`);
  });
});
