import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { missingPasswordRequirements } from "../src/core/password.js";

describe("password policy", () => {
  it("accepts a password with every class and 12+ characters", () => {
    assert.deepEqual(missingPasswordRequirements("Correct-Horse-9"), []);
    assert.deepEqual(missingPasswordRequirements("Ünïcødé-Pass-1"), []);
  });

  it("names exactly what a password lacks", () => {
    assert.deepEqual(missingPasswordRequirements("short"), [
      "at least 12 characters",
      "an upper-case letter",
      "a digit",
      "a symbol",
    ]);
    assert.deepEqual(missingPasswordRequirements("alllowercase-1"), ["an upper-case letter"]);
    assert.deepEqual(missingPasswordRequirements("NoSymbolsHere123"), ["a symbol"]);
    assert.deepEqual(missingPasswordRequirements("Sh0rt!"), ["at least 12 characters"]);
  });

  it("does not count spaces as symbols", () => {
    assert.deepEqual(missingPasswordRequirements("Spaces Only 123"), ["a symbol"]);
  });
});
