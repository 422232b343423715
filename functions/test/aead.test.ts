import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { describe, it } from "node:test";
import { decryptText, encrypt, envelopeKeyVersion } from "../src/core/aead.js";
import type { CiphertextStore } from "../src/core/ports/keyRing.js";
import { reencryptField } from "../src/core/reencrypt.js";
import { memoryKeyRing } from "./support/memoryStores.js";

const context = { collection: "accountSecrets", docId: "user-1", field: "apiKey" };
const v1 = randomBytes(32);
const v2 = randomBytes(32);

describe("AEAD envelope", () => {
  it("round-trips and never contains the plaintext", async () => {
    const ring = memoryKeyRing({ 1: v1 }, 1);
    const envelope = await encrypt(ring, "wsk_secret-value", context);
    assert.match(envelope, /^v1\.1\./);
    assert.ok(!envelope.includes("secret-value"));
    assert.equal(await decryptText(ring, envelope, context), "wsk_secret-value");
  });

  it("uses a fresh IV each time", async () => {
    const ring = memoryKeyRing({ 1: v1 }, 1);
    const a = await encrypt(ring, "same", context);
    const b = await encrypt(ring, "same", context);
    assert.notEqual(a, b);
  });

  it("refuses tampered, truncated, moved and unknown-version ciphertexts", async () => {
    const ring = memoryKeyRing({ 1: v1 }, 1);
    const envelope = await encrypt(ring, "payload", context);
    const [version, keyVersion, iv, body, tag] = envelope.split(".");
    const flip = (text: string) => (text[0] === "A" ? "B" : "A") + text.slice(1);
    const cases: Record<string, [string, typeof context]> = {
      "tampered body": [[version, keyVersion, iv, flip(body!), tag].join("."), context],
      "tampered tag": [[version, keyVersion, iv, body, flip(tag!)].join("."), context],
      "truncated tag": [[version, keyVersion, iv, body, tag!.slice(0, 16)].join("."), context],
      "truncated envelope": [envelope.slice(0, envelope.length - 30), context],
      "moved to another document": [envelope, { ...context, docId: "user-2" }],
      "moved to another field": [envelope, { ...context, field: "webhookAuthValue" }],
      "unknown key version": [[version, "9", iv, body, tag].join("."), context],
      garbage: ["not-an-envelope", context],
    };
    for (const [name, [candidate, where]] of Object.entries(cases)) {
      await assert.rejects(decryptText(ring, candidate, where), /ciphertext refused/, name);
    }
  });

  it("rotates: a new version encrypts, old versions decrypt, the job moves old ciphertexts", async () => {
    const oldRing = memoryKeyRing({ 1: v1 }, 1);
    const rows = new Map<string, string>();
    for (const docId of ["a", "b", "c"])
      rows.set(docId, await encrypt(oldRing, `key-${docId}`, { ...context, docId }));
    const newRing = memoryKeyRing({ 1: v1, 2: v2 }, 2);
    rows.set("d", await encrypt(newRing, "key-d", { ...context, docId: "d" }));
    assert.equal(envelopeKeyVersion(rows.get("d")!), 2);
    assert.equal(await decryptText(newRing, rows.get("a")!, { ...context, docId: "a" }), "key-a");

    const store: CiphertextStore = {
      async *list() {
        for (const [docId, envelope] of rows) yield { docId, envelope };
      },
      async replace(_collection, docId, _field, expected, next) {
        if (rows.get(docId) !== expected) return false;
        rows.set(docId, next);
        return true;
      },
    };
    assert.equal(await reencryptField(newRing, store, context), 3);
    for (const [docId, envelope] of rows) {
      assert.equal(envelopeKeyVersion(envelope), 2);
      assert.equal(
        await decryptText(memoryKeyRing({ 2: v2 }, 2), envelope, { ...context, docId }),
        `key-${docId}`,
      );
    }
    assert.equal(await reencryptField(newRing, store, context), 0);
  });
});
