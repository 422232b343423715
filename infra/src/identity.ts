import * as gcp from "@pulumi/gcp";
import type { InfraConfig } from "./config.ts";
import { IdentityPlatformPasswordPolicy, PASSWORD_POLICY } from "./password-policy.ts";

/** Sign-in for the dashboard: email/password under an enforced policy, Google and GitHub. */
export function buildIdentity(config: InfraConfig) {
  const identityConfig = new gcp.identityplatform.Config(
    "identity-platform",
    {
      project: config.project,
      signIn: {
        // Password required: no email-link sign-in that would bypass the password policy.
        email: { enabled: true, passwordRequired: true },
        allowDuplicateEmails: false,
      },
      authorizedDomains: [
        `${config.project}.firebaseapp.com`,
        `${config.project}.web.app`,
        ...config.authorizedDomains,
      ],
    },
    // `firebase deploy` registers beforecreated/beforesignedin here; Pulumi must not unregister them.
    { ignoreChanges: ["blockingFunctions"] },
  );
  const passwordPolicy = new IdentityPlatformPasswordPolicy(
    "password-policy",
    {
      project: config.project,
      policy: PASSWORD_POLICY,
      // The same credentials the gcp provider uses, so no extra secret is configured for this call.
      accessToken: gcp.organizations.getClientConfigOutput().accessToken,
    },
    { dependsOn: [identityConfig] },
  );
  const google = new gcp.identityplatform.DefaultSupportedIdpConfig(
    "idp-google",
    {
      project: config.project,
      idpId: "google.com",
      enabled: true,
      clientId: config.identity.googleClientId,
      clientSecret: config.identity.googleClientSecret,
    },
    { dependsOn: [identityConfig] },
  );
  const github = new gcp.identityplatform.DefaultSupportedIdpConfig(
    "idp-github",
    {
      project: config.project,
      idpId: "github.com",
      enabled: true,
      clientId: config.identity.githubClientId,
      clientSecret: config.identity.githubClientSecret,
    },
    { dependsOn: [identityConfig] },
  );
  return { identityConfig, passwordPolicy, google, github };
}
