import * as pulumi from "@pulumi/pulumi";

/** Identity Toolkit `passwordPolicyConfig`: what every email/password account must meet. */
export const PASSWORD_POLICY = {
  passwordPolicyEnforcementState: "ENFORCE",
  // Existing accounts with a weaker password must change it at their next sign-in.
  forceUpgradeOnSignin: true,
  passwordPolicyVersions: [
    {
      customStrengthOptions: {
        minPasswordLength: 12,
        maxPasswordLength: 4096,
        containsLowercaseCharacter: true,
        containsUppercaseCharacter: true,
        containsNumericCharacter: true,
        containsNonAlphanumericCharacter: true,
      },
    },
  ],
};

export type PasswordPolicy = typeof PASSWORD_POLICY;

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
