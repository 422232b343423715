import { readFileSync } from "node:fs";
import * as pulumi from "@pulumi/pulumi";

/**
 * The one password rule, as data: the API (functions/src/core/password.ts) and the dashboard's live
 * hints (web/src/passwordRules.ts) read the same file. Found relative to this module, like
 * functions/deployment.json; infra imports no code from functions/.
 */
export const PASSWORD_RULE_JSON = new URL("../../functions/src/core/passwordPolicy.json", import.meta.url);

export interface PasswordRule {
  minLength: number;
  maxLength: number;
  characterClasses: Record<string, { requirement: string; characters: string }>;
}

/**
 * What Identity Platform counts in each class it can require (its password policy documentation,
 * and the Firebase Auth SDK's own check: ASCII ranges for letters and digits). The sets are not
 * configurable, so a rule that counts anything else (`-`, `+`, `=`, non-ASCII letters) would let the
 * API accept passwords that sign-in then refuses under ENFORCE.
 */
export const IDENTITY_PLATFORM_CLASSES: Record<string, string> = {
  containsLowercaseCharacter: "abcdefghijklmnopqrstuvwxyz",
  containsUppercaseCharacter: "ABCDEFGHIJKLMNOPQRSTUVWXYZ",
  containsNumericCharacter: "0123456789",
  containsNonAlphanumericCharacter: "^$*.[]{}()?\"!@#%&/\\,><':;|_~`",
};

const sameCharacters = (a: string, b: string) => [...a].sort().join("") === [...b].sort().join("");

/** Identity Toolkit `passwordPolicyConfig` for the rule; throws when Identity Platform cannot express it. */
export function identityPlatformPolicy(rule: PasswordRule) {
  const errors: string[] = [];
  if (!Number.isInteger(rule.minLength) || rule.minLength < 6 || rule.minLength > 30)
    errors.push("minLength must be an integer from 6 to 30");
  if (!Number.isInteger(rule.maxLength) || rule.maxLength < rule.minLength || rule.maxLength > 4096)
    errors.push("maxLength must be an integer from minLength to 4096");
  for (const [name, { characters }] of Object.entries(rule.characterClasses)) {
    const expected = IDENTITY_PLATFORM_CLASSES[name];
    if (expected === undefined) errors.push(`${name} is not a class Identity Platform can require`);
    else if (!sameCharacters(characters, expected))
      errors.push(`${name} must be exactly Identity Platform's set ${expected}`);
  }
  if (errors.length > 0) throw new Error(`invalid password rule:\n- ${errors.join("\n- ")}`);
  const requires = (name: string) => name in rule.characterClasses;
  return {
    passwordPolicyEnforcementState: "ENFORCE",
    // Existing accounts with a weaker password must change it at their next sign-in.
    forceUpgradeOnSignin: true,
    passwordPolicyVersions: [
      {
        customStrengthOptions: {
          minPasswordLength: rule.minLength,
          maxPasswordLength: rule.maxLength,
          containsLowercaseCharacter: requires("containsLowercaseCharacter"),
          containsUppercaseCharacter: requires("containsUppercaseCharacter"),
          containsNumericCharacter: requires("containsNumericCharacter"),
          containsNonAlphanumericCharacter: requires("containsNonAlphanumericCharacter"),
        },
      },
    ],
  };
}

export function readPasswordRule(): PasswordRule {
  return JSON.parse(readFileSync(PASSWORD_RULE_JSON, "utf8")) as PasswordRule;
}

/** Identity Toolkit `passwordPolicyConfig`: what every email/password account must meet. */
export const PASSWORD_POLICY = identityPlatformPolicy(readPasswordRule());

export type PasswordPolicy = ReturnType<typeof identityPlatformPolicy>;

export interface PasswordPolicyState {
  project: string;
  policy: PasswordPolicy;
}

interface PasswordPolicyInputs extends PasswordPolicyState {
  accessToken: string;
}

/** PATCHes only `passwordPolicyConfig`; other Identity Platform settings belong to gcp.identityplatform.Config. */
async function patchPasswordPolicy(inputs: PasswordPolicyInputs): Promise<PasswordPolicyState> {
  const url = `https://identitytoolkit.googleapis.com/admin/v2/projects/${inputs.project}/config?updateMask=passwordPolicyConfig`;
  const response = await fetch(url, {
    method: "PATCH",
    headers: {
      authorization: `Bearer ${inputs.accessToken}`,
      "content-type": "application/json",
      "x-goog-user-project": inputs.project,
    },
    body: JSON.stringify({ passwordPolicyConfig: inputs.policy }),
  });
  if (!response.ok) {
    throw new Error(`setting the password policy failed: ${response.status} ${await response.text()}`);
  }
  return { project: inputs.project, policy: inputs.policy };
}

/**
 * The gcp provider cannot set `passwordPolicyConfig`, so this dynamic provider does. Pulumi
 * serializes it into state: it may use only its arguments, `fetch` and the function above.
 */
export const passwordPolicyProvider: pulumi.dynamic.ResourceProvider = {
  async diff(_id: string, olds: PasswordPolicyState, news: PasswordPolicyState) {
    const replaces = olds.project === news.project ? [] : ["project"];
    const changes = replaces.length > 0 || JSON.stringify(olds.policy) !== JSON.stringify(news.policy);
    return { changes, replaces, deleteBeforeReplace: false };
  },
  async create(inputs: PasswordPolicyInputs) {
    return { id: inputs.project, outs: await patchPasswordPolicy(inputs) };
  },
  async update(_id: string, _olds: PasswordPolicyState, news: PasswordPolicyInputs) {
    return { outs: await patchPasswordPolicy(news) };
  },
  // Deleting the resource leaves the policy in force: a stack teardown must not weaken sign-in.
  async delete() {},
};

export interface PasswordPolicyArgs {
  project: pulumi.Input<string>;
  policy: PasswordPolicy;
  /** Short-lived token of the identity running Pulumi; kept as a secret, ignored by diff. */
  accessToken: pulumi.Input<string>;
}

export class IdentityPlatformPasswordPolicy extends pulumi.dynamic.Resource {
  declare readonly project: pulumi.Output<string>;
  declare readonly policy: pulumi.Output<PasswordPolicy>;

  constructor(name: string, args: PasswordPolicyArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      passwordPolicyProvider,
      name,
      { ...args, accessToken: pulumi.secret(args.accessToken) },
      opts,
      "wsapi",
      "IdentityPlatformPasswordPolicy",
    );
  }
}
