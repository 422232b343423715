import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { apiKeyDigest, apiKeyPrefix, generateApiKey, isWellFormedApiKey } from "../src/core/apiKey.js";

describe("API key format", () => {
  it("generates wsk_ keys with a valid checksum and enough entropy", () => {
    const keys = new Set(Array.from({ length: 500 }, generateApiKey));
    assert.equal(keys.size, 500);
    for (const key of keys) {
      assert.match(key, /^wsk_[0-9A-Za-z]{38}$/);
      assert.ok(isWellFormedApiKey(key));
    }
    // 32 base62 characters carry log2(62) * 32 ≈ 190 bits, above the 160-bit floor.
    assert.ok(Math.log2(62) * 32 >= 160);
  });

  it("refuses any single-character change through the checksum", () => {
    const key = generateApiKey();
    for (let i = 4; i < key.length; i++) {
      const swapped = key[i] === "a" ? "b" : "a";
      assert.equal(isWellFormedApiKey(key.slice(0, i) + swapped + key.slice(i + 1)), false, `position ${i}`);
    }
  });

  it("refuses arbitrary strings without throwing", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (candidate) => isWellFormedApiKey(candidate) === false),
    );
  });

  it("digests with the pepper, so the digest is useless without it", () => {
    const key = generateApiKey();
    const a = apiKeyDigest(key, Buffer.from("pepper-one-0123456789012345678901"));
    const b = apiKeyDigest(key, Buffer.from("pepper-two-0123456789012345678901"));
    assert.notEqual(a, b);
    assert.match(a, /^[0-9a-f]{64}$/);
    assert.ok(!a.includes(key.slice(4)));
    assert.equal(apiKeyPrefix(key), key.slice(0, 10));
  });
});
