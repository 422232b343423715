// The password policy, enforced server-side by POST /v1/signup and by Identity Platform in production.
const RULES: Array<{ test: (password: string) => boolean; requirement: string }> = [
  { test: (p) => [...p].length >= 12, requirement: "at least 12 characters" },
  { test: (p) => /\p{Ll}/u.test(p), requirement: "a lower-case letter" },
  { test: (p) => /\p{Lu}/u.test(p), requirement: "an upper-case letter" },
  { test: (p) => /\p{Nd}/u.test(p), requirement: "a digit" },
  { test: (p) => /[^\p{L}\p{Nd}\s]/u.test(p), requirement: "a symbol" },
];

export const PASSWORD_MAX_LENGTH = 4096;

/** The requirements the password misses; empty when it passes. */
export function missingPasswordRequirements(password: string): string[] {
  return RULES.filter((rule) => !rule.test(password)).map((rule) => rule.requirement);
}
