import * as gcp from "@pulumi/gcp";
import type { Deployment, Identity, InfraConfig } from "./config.ts";
import { identitiesWhere, memberOf, type ServiceAccounts } from "./iam.ts";

/** Secret ids equal the functions' `defineSecret` names, so Firebase binds them without mapping. */
export const SECRET_IDS = {
  dataKeys: "WSAPI_DATA_KEYS",
  apiKeyPepper: "WSAPI_API_KEY_PEPPER",
  gatewaySigningKey: "WSAPI_GATEWAY_SIGNING_KEY",
  /** Memorystore's AUTH string (redis.ts), copied in by the operator: infra/README.md. */
  redisAuth: "WSAPI_REDIS_AUTH",
} as const;

export type SecretKey = keyof typeof SECRET_IDS;

/**
 * Who may read each secret: the identities whose functions declare it (iam.ts FUNCTION_NEEDS,
 * from the triggers' `secrets:`). Firebase mounts declared secrets at start, so a function whose
 * account cannot read one does not start; nobody else reads them.
 */
export function secretAccessors(deployment: Deployment, key: SecretKey): Identity[] {
  return identitiesWhere(deployment, (uses) => uses.secrets.includes(key));
}

/**
 * Who may list a secret's versions (metadata, no payloads): every function that builds the data-key
 * ring (`buildCore` in functions/src/composition/bootstrap.ts, so every reader of WSAPI_DATA_KEYS),
 * which encrypts with the newest enabled version and decrypts by version number, so it must see which
 * versions exist.
 */
export function secretVersionListers(deployment: Deployment, key: SecretKey): Identity[] {
  return key === "dataKeys" ? secretAccessors(deployment, key) : [];
}

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
    const accountId = (who: Identity) => config.deployment.serviceAccounts[who];
    const accessors = secretAccessors(config.deployment, key).map(
      (who) =>
        new gcp.secretmanager.SecretIamMember(`${secretId}-${accountId(who)}-accessor`, {
          project: config.project,
          secretId: secret.secretId,
          role: "roles/secretmanager.secretAccessor",
          member: memberOf(accounts[who]),
        }),
    );
    const listers = secretVersionListers(config.deployment, key).map(
      (who) =>
        new gcp.secretmanager.SecretIamMember(`${secretId}-${accountId(who)}-viewer`, {
          project: config.project,
          secretId: secret.secretId,
          role: "roles/secretmanager.viewer",
          member: memberOf(accounts[who]),
        }),
    );
    return { key, secret, accessors, listers };
  });
}
