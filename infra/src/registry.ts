import * as gcp from "@pulumi/gcp";
import type { InfraConfig } from "./config.ts";

export const INSTANCE_REPOSITORY = "wsapi-instance";

/** Docker repository for the instance image; tags are immutable so a digest is never silently replaced. */
export function buildRegistry(config: InfraConfig) {
  const repository = new gcp.artifactregistry.Repository("instance-images", {
    project: config.project,
    location: config.region,
    repositoryId: INSTANCE_REPOSITORY,
    format: "DOCKER",
    description: "WhatsApp instance service image",
    dockerConfig: { immutableTags: true },
    cleanupPolicyDryRun: false,
    cleanupPolicies: [
      { id: "keep-recent", action: "KEEP", mostRecentVersions: { keepCount: 20 } },
      { id: "drop-untagged", action: "DELETE", condition: { tagState: "UNTAGGED", olderThan: "2592000s" } },
    ],
  });
  const publishers = config.imagePublishers.map(
    (member, i) =>
      new gcp.artifactregistry.RepositoryIamMember(`instance-images-publisher-${i}`, {
        project: config.project,
        location: config.region,
        repository: repository.name,
        role: "roles/artifactregistry.writer",
        member,
      }),
  );
  return { repository, publishers };
}
