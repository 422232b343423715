import policy from "../../functions/src/core/passwordPolicy.json" with { type: "json" };

// The dashboard's live password hints. The rule is data, functions/src/core/passwordPolicy.json,
// which the server (functions/src/core/password.ts) and the Identity Platform policy
// (infra/src/password-policy.ts) read too; infra/test/passwordPolicy.test.ts checks that this
// function and the server's answer alike. No server code reaches the bundle, only the JSON.

const RULES: Array<{ requirement: string; met: (password: string) => boolean }> = [
  { requirement: `at least ${policy.minLength} characters`, met: (p) => p.length >= policy.minLength },
  ...Object.values(policy.characterClasses).map(({ requirement, characters }) => ({
    requirement,
    met: (p: string) => [...p].some((character) => characters.includes(character)),
  })),
];

/** Every requirement of the policy, in its order. */
export const PASSWORD_REQUIREMENTS = RULES.map((rule) => rule.requirement);

/** The requirements the password misses; empty when it passes. */
export function missingPasswordRequirements(password: string): string[] {
  return RULES.filter((rule) => !rule.met(password)).map((rule) => rule.requirement);
}
