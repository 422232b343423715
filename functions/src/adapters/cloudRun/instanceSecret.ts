import { timingSafeEqual } from "node:crypto";
import type { SecretManagerServiceClient } from "@google-cloud/secret-manager";
import { ALREADY_EXISTS, apiError, FAILED_PRECONDITION, grpcCode, NOT_FOUND } from "./apiErrors.js";
import { PROPAGATION_DELAYS_MS, whileAccountPropagates } from "./serviceAccounts.js";

// The per-instance runtime secret lives in Secret Manager; the Cloud Run spec only references it,
// so the value never travels in a Cloud Run request and only the instance's account can read it.

interface InstanceSecretSpec {
  /** projects/{project}/secrets/{id} */
  name: string;
  region: string;
  value: string;
  /** The instance service account, the only principal allowed to read the secret. */
  accessor: string;
  /** Waits between policy attempts while a just-created accessor account propagates through IAM. */
  propagationDelaysMs?: readonly number[];
  labels: Record<string, string>;
}

type SecretData = Uint8Array | string | null | undefined;

function sameValue(data: SecretData, value: string): boolean {
  if (data === null || data === undefined) return false;
  // The JSON transport carries bytes as base64 when a decoder leaves them as text.
  const stored = typeof data === "string" ? Buffer.from(data, "base64") : Buffer.from(data);
  const wanted = Buffer.from(value, "utf8");
  return stored.length === wanted.length && timingSafeEqual(stored, wanted);
}

function versionNumber(versionName: string | null | undefined): string {
  const version = versionName?.split("/").pop();
  if (!version || !/^\d+$/.test(version)) throw new Error(`unexpected secret version name ${versionName}`);
  return version;
}

async function latestVersion(client: SecretManagerServiceClient, name: string, secrets: string[]) {
  try {
    const [response] = await client.accessSecretVersion({ name: `${name}/versions/latest` });
    return { version: versionNumber(response.name), data: response.payload?.data };
  } catch (error) {
    // No version yet, or the latest one is disabled: either way a new version is needed.
    const code = grpcCode(error);
    if (code === NOT_FOUND || code === FAILED_PRECONDITION) return undefined;
    throw apiError(`read secret ${name}`, error, { secrets });
  }
}

/** Creates or updates the secret and its access policy; returns the version holding the value. */
export async function ensureInstanceSecret(
  client: SecretManagerServiceClient,
  spec: InstanceSecretSpec,
): Promise<string> {
  const secrets = [spec.value];
  const [, project, , secretId] = spec.name.split("/");
  try {
    await client.createSecret({
      parent: `projects/${project}`,
      secretId,
      // Kept in the cell's region, beside the service that reads it.
      secret: {
        labels: spec.labels,
        replication: { userManaged: { replicas: [{ location: spec.region }] } },
      },
    });
  } catch (error) {
    if (grpcCode(error) !== ALREADY_EXISTS) throw apiError(`create secret ${spec.name}`, error, { secrets });
  }

  const latest = await latestVersion(client, spec.name, secrets);
  let version = latest && sameValue(latest.data, spec.value) ? latest.version : undefined;
  if (!version) {
    try {
      const [added] = await client.addSecretVersion({
        parent: spec.name,
        payload: { data: Buffer.from(spec.value, "utf8") },
      });
      version = versionNumber(added.name);
    } catch (error) {
      throw apiError(`add version to secret ${spec.name}`, error, { secrets });
    }
  }

  try {
    await whileAccountPropagates(
      () =>
        client.setIamPolicy({
          resource: spec.name,
          policy: {
            bindings: [
              { role: "roles/secretmanager.secretAccessor", members: [`serviceAccount:${spec.accessor}`] },
            ],
          },
        }),
      spec.propagationDelaysMs ?? PROPAGATION_DELAYS_MS,
    );
  } catch (error) {
    throw apiError(`set access policy of secret ${spec.name}`, error, { secrets });
  }
  return version;
}

export async function removeInstanceSecret(client: SecretManagerServiceClient, name: string): Promise<void> {
  try {
    await client.deleteSecret({ name });
  } catch (error) {
    if (grpcCode(error) !== NOT_FOUND) throw apiError(`delete secret ${name}`, error);
  }
}
