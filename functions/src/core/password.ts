import policy from "./passwordPolicy.json" with { type: "json" };

// The one password policy, as data (passwordPolicy.json): POST /v1/signup checks it here, the
// dashboard's live hints (web/src/passwordRules.ts) and the Identity Platform policy
// (infra/src/password-policy.ts) read the same file, and infra/test/passwordPolicy.test.ts holds all
// three to it. The character classes are Identity Platform's own: ASCII letters and digits, and as
// symbols only its documented non-alphanumeric set (so `-`, `+`, `=` and spaces do not count).
// Lengths count UTF-16 code units, as Identity Platform's `password.length` does.
export const PASSWORD_POLICY = policy;

export const PASSWORD_MAX_LENGTH = policy.maxLength;

/** The requirements the password misses, in the policy's order; empty when it passes. */
export function missingPasswordRequirements(password: string): string[] {
  const missing: string[] = [];
  if (password.length < policy.minLength) missing.push(`at least ${policy.minLength} characters`);
  for (const { requirement, characters } of Object.values(policy.characterClasses)) {
    if (![...password].some((character) => characters.includes(character))) missing.push(requirement);
  }
  return missing;
}
