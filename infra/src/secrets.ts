import * as gcp from "@pulumi/gcp";
import type { InfraConfig } from "./config.ts";
import { memberOf, type ServiceAccounts } from "./iam.ts";

/** Secret ids equal the functions' `defineSecret` names, so Firebase binds them without mapping. */
export const SECRET_IDS = {
  dataKeys: "WSAPI_DATA_KEYS",
  apiKeyPepper: "WSAPI_API_KEY_PEPPER",
  gatewaySigningKey: "WSAPI_GATEWAY_SIGNING_KEY",
} as const;

export type SecretKey = keyof typeof SECRET_IDS;

/**
 * Who may read each secret. Both runtimes encrypt/decrypt records, digest API keys and sign or
 * verify instance tokens; the task invoker and the per-instance accounts read none of them.
 */
export const SECRET_ACCESSORS: Record<SecretKey, ReadonlyArray<keyof ServiceAccounts>> = {
  dataKeys: ["functions", "gateway"],
  apiKeyPepper: ["functions", "gateway"],
  gatewaySigningKey: ["functions", "gateway"],
};

/**
 * Who may list a secret's versions (metadata, no payloads): the data-key ring encrypts with the
 * newest enabled version and decrypts by version number, so it must see which versions exist.
 */
export const SECRET_VERSION_LISTERS: Partial<Record<SecretKey, ReadonlyArray<keyof ServiceAccounts>>> = {
  dataKeys: ["functions", "gateway"],
};

/**
 * Creates the secret containers only: values are added with `gcloud secrets versions add`, so no
 * key material ever enters Pulumi state. Accessor grants are per secret, never project-wide.
 */
export function buildSecrets(config: InfraConfig, accounts: ServiceAccounts) {
  return (Object.keys(SECRET_IDS) as SecretKey[]).map((key) => {
    const secretId = SECRET_IDS[key];
    const secret = new gcp.secretmanager.Secret(secretId, {
      project: config.project,
      secretId,
      // Key material stays in the control-plane region.
      replication: { userManaged: { replicas: [{ location: config.region }] } },
      labels: { app: "wsapi", rotation: "manual" },
    });
    const accessors = SECRET_ACCESSORS[key].map(
      (accountKey) =>
        new gcp.secretmanager.SecretIamMember(`${secretId}-${accountKey}-accessor`, {
          project: config.project,
          secretId: secret.secretId,
          role: "roles/secretmanager.secretAccessor",
          member: memberOf(accounts[accountKey]),
        }),
    );
    const listers = (SECRET_VERSION_LISTERS[key] ?? []).map(
      (accountKey) =>
        new gcp.secretmanager.SecretIamMember(`${secretId}-${accountKey}-viewer`, {
          project: config.project,
          secretId: secret.secretId,
          role: "roles/secretmanager.viewer",
          member: memberOf(accounts[accountKey]),
        }),
    );
    return { key, secret, accessors, listers };
  });
}
