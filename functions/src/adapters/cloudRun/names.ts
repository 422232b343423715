import { createHash } from "node:crypto";
import type { Cell } from "../../core/ports/runtime.js";

// Cloud resource names derived from an instance id. Instance ids may hold upper case, dots and
// underscores, which Cloud Run, IAM and labels refuse, so each name keeps a readable lower-case
// slug plus a hash of the exact id: "Abc" and "abc" never share a service.
const HASH_CHARS = 12;
const SERVICE_ID_MAX = 49;
const LABEL_MAX = 63;

/** Label and annotation keys the adapter owns on every instance service and secret. */
export const LABEL_OWNER = "wsapi-owner";
export const LABEL_INSTANCE = "wsapi-instance";
/** Labels are lossy, so the exact instance id travels in an annotation for list(). */
export const ANNOTATION_INSTANCE_ID = "wsapi/instance-id";
export const ANNOTATION_RESTARTED_AT = "wsapi/restarted-at";
export const ANNOTATION_SECRET_VERSION = "wsapi/secret-version";

function shortHash(value: string): string {
  return createHash("sha256").update(value, "utf8").digest("hex").slice(0, HASH_CHARS);
}

function slug(value: string, max: number): string {
  return value
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+/, "")
    .slice(0, max)
    .replace(/-+$/, "");
}

/** DNS-safe Cloud Run service id: starts with a letter, at most 49 characters, no trailing dash. */
export function serviceId(instanceId: string): string {
  const room = SERVICE_ID_MAX - "wsi-".length - 1 - HASH_CHARS;
  const readable = slug(instanceId, room);
  return readable ? `wsi-${readable}-${shortHash(instanceId)}` : `wsi-${shortHash(instanceId)}`;
}

export function serviceName(cell: Cell, instanceId: string): string {
  return `${servicesParent(cell)}/services/${serviceId(instanceId)}`;
}

export function servicesParent(cell: Cell): string {
  return `projects/${cell.projectId}/locations/${cell.region}`;
}

export function secretName(cell: Cell, instanceId: string): string {
  return `projects/${cell.projectId}/secrets/${serviceId(instanceId)}-secret`;
}

/**
 * The instance's own service account id. Account ids allow only 6 to 30 characters, so it carries
 * the hash alone. The adapter creates it (cloudRun/serviceAccounts.ts) with no project roles.
 */
export function instanceAccountId(instanceId: string): string {
  return `wsi-${shortHash(instanceId)}`;
}

export function instanceServiceAccount(cell: Cell, instanceId: string): string {
  return `${instanceAccountId(instanceId)}@${cell.projectId}.iam.gserviceaccount.com`;
}

/** `<region>-docker.pkg.dev/<project>/<repository>/<image>@sha256:<64 hex>`, or any registry path. */
const IMAGE_BY_DIGEST =
  /^[a-z0-9]([a-z0-9.-]*[a-z0-9])?(:\d+)?(\/[a-z0-9]([a-z0-9._-]*[a-z0-9])?)+@sha256:[0-9a-f]{64}$/;

/** Instances deploy only by digest: a tag can be moved, a digest names exactly one image. */
export function assertImageByDigest(image: string): void {
  if (!IMAGE_BY_DIGEST.test(image)) {
    throw new Error(
      `the instance image must be pinned by digest (<registry>/<path>@sha256:<64 hex digits>), got "${image}"`,
    );
  }
}

/** A label value (lower case, digits, `_`, `-`, at most 63): kept as is when already valid. */
export function labelValue(value: string): string {
  if (/^[a-z0-9_-]{1,63}$/.test(value)) return value;
  const readable = slug(value, LABEL_MAX - 1 - HASH_CHARS);
  return readable ? `${readable}-${shortHash(value)}` : shortHash(value);
}
