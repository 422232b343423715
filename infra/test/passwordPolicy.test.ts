import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, test } from "node:test";
import fc from "fast-check";
import { missingPasswordRequirements as apiMissing } from "../../functions/src/core/password.ts";
import { missingPasswordRequirements as dashboardMissing } from "../../web/src/passwordRules.ts";
import {
  IDENTITY_PLATFORM_CLASSES,
  identityPlatformPolicy,
  PASSWORD_POLICY,
  readPasswordRule,
} from "../src/password-policy.ts";

// One password rule (functions/src/core/passwordPolicy.json) drives the API, the dashboard's live
// hints and the Identity Platform policy. This holds the three to it and to Identity Platform's own
// character classes, so a password the API accepts is never refused at sign-in under ENFORCE.

/** Identity Platform's documented non-alphanumeric characters, as its documentation lists them. */
const DOCUMENTED_SYMBOLS = "^ $ * . [ ] { } ( ) ? \" ! @ # % & / \\ , > < ' : ; | _ ~ `".split(" ");

/** The Firebase Auth SDK's validatePassword, for the policy infra sets (ASCII classes, UTF-16 length). */
function identityPlatformAccepts(password: string): boolean {
  const options = PASSWORD_POLICY.passwordPolicyVersions[0]!.customStrengthOptions;
  const has = (test: (character: string) => boolean) => [...password].some(test);
  return (
    password.length >= options.minPasswordLength &&
    password.length <= options.maxPasswordLength &&
    (!options.containsLowercaseCharacter || has((c) => c >= "a" && c <= "z")) &&
    (!options.containsUppercaseCharacter || has((c) => c >= "A" && c <= "Z")) &&
    (!options.containsNumericCharacter || has((c) => c >= "0" && c <= "9")) &&
    (!options.containsNonAlphanumericCharacter || has((c) => DOCUMENTED_SYMBOLS.includes(c)))
  );
}

const interesting = [..."aZ9-+= \t_!.~éÜ٣😀", ...DOCUMENTED_SYMBOLS];
const passwords = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: fc.constantFrom(...interesting), minLength: 8, maxLength: 20 }),
  fc.string({ unit: "grapheme", maxLength: 20 }),
);

describe("one password policy", () => {
  test("the rule's symbols are exactly Identity Platform's documented non-alphanumeric set", () => {
    const rule = readPasswordRule();
    assert.deepEqual(
      [...rule.characterClasses.containsNonAlphanumericCharacter!.characters].sort(),
      [...DOCUMENTED_SYMBOLS].sort(),
    );
    for (const counted of ["-", "+", "=", " "]) {
      assert.ok(!DOCUMENTED_SYMBOLS.includes(counted), `${JSON.stringify(counted)} is not a symbol`);
    }
    assert.equal(
      IDENTITY_PLATFORM_CLASSES.containsNonAlphanumericCharacter,
      rule.characterClasses.containsNonAlphanumericCharacter!.characters,
    );
  });

  test("the Identity Platform policy infra sets is the rule's", () => {
    const rule = readPasswordRule();
    const options = PASSWORD_POLICY.passwordPolicyVersions[0]!.customStrengthOptions;
    assert.equal(PASSWORD_POLICY.passwordPolicyEnforcementState, "ENFORCE");
    assert.equal(options.minPasswordLength, rule.minLength);
    assert.equal(options.maxPasswordLength, rule.maxLength);
    for (const name of Object.keys(IDENTITY_PLATFORM_CLASSES)) {
      assert.equal(options[name as keyof typeof options], name in rule.characterClasses, name);
    }
  });

  test("a rule Identity Platform cannot enforce is refused at deploy time", () => {
    const rule = readPasswordRule();
    const withDash = structuredClone(rule);
    withDash.characterClasses.containsNonAlphanumericCharacter!.characters += "-+=";
    assert.throws(() => identityPlatformPolicy(withDash), /Identity Platform's set/);
    assert.throws(() => identityPlatformPolicy({ ...rule, minLength: 40 }), /minLength/);
  });

  test("the API and the dashboard's hints give the same answer, and accept exactly what Identity Platform accepts", () => {
    fc.assert(
      fc.property(passwords, (password) => {
        const api = apiMissing(password);
        assert.deepEqual(dashboardMissing(password), api);
        assert.equal(api.length === 0, identityPlatformAccepts(password), JSON.stringify(password));
      }),
      { numRuns: 3_000 },
    );
  });

  test("dashes, pluses and equals signs are not symbols; the README's example password passes", () => {
    for (const password of ["Correct-Horse-9-Battery", "Correct+Horse=9 Battery"]) {
      assert.deepEqual(apiMissing(password), ["a symbol"]);
      assert.deepEqual(dashboardMissing(password), ["a symbol"]);
      assert.equal(identityPlatformAccepts(password), false);
    }
    const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8");
    const examples = [...readme.matchAll(/"password":"([^"]+)"\}'\s+# 201/g)].map((match) => match[1]!);
    assert.ok(examples.length > 0, "the README shows a password that signs up");
    for (const example of examples) {
      assert.deepEqual(apiMissing(example), []);
      assert.ok(identityPlatformAccepts(example), example);
    }
  });
});
