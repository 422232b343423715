import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { missingPasswordRequirements } from "../src/core/password.js";

// The rule is functions/src/core/passwordPolicy.json; infra/test/passwordPolicy.test.ts holds the
// dashboard's hints and the Identity Platform policy to it.
describe("password policy", () => {
  it("accepts a password with every class and 12+ characters", () => {
    assert.deepEqual(missingPasswordRequirements("Correct_Horse_9"), []);
    assert.deepEqual(missingPasswordRequirements("Ünïcødé!Pass1"), []);
  });

  it("names exactly what a password lacks", () => {
    assert.deepEqual(missingPasswordRequirements("short"), [
      "at least 12 characters",
      "an upper-case letter",
      "a digit",
      "a symbol",
    ]);
    assert.deepEqual(missingPasswordRequirements("alllowercase_1"), ["an upper-case letter"]);
    assert.deepEqual(missingPasswordRequirements("NoSymbolsHere123"), ["a symbol"]);
    assert.deepEqual(missingPasswordRequirements("Sh0rt!"), ["at least 12 characters"]);
  });

  it("counts only Identity Platform's symbols: not spaces, dashes, pluses or equals signs", () => {
    assert.deepEqual(missingPasswordRequirements("Spaces Only 123"), ["a symbol"]);
    assert.deepEqual(missingPasswordRequirements("Correct-Horse-9-Battery"), ["a symbol"]);
    assert.deepEqual(missingPasswordRequirements("Plus+Equals=123"), ["a symbol"]);
    for (const symbol of "^$*.[]{}()?\"!@#%&/\\,><':;|_~`") {
      assert.deepEqual(missingPasswordRequirements(`Password1234${symbol}`), [], symbol);
    }
  });

  it("counts ASCII letters and digits only, as Identity Platform does", () => {
    assert.deepEqual(missingPasswordRequirements("ÜBERGRÖSSE!123"), ["a lower-case letter"]);
    assert.deepEqual(missingPasswordRequirements("Password!٣٣٣"), ["a digit"]);
  });
});
