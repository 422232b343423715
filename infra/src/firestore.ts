import * as gcp from "@pulumi/gcp";
import type { InfraConfig } from "./config.ts";

/** Collection groups whose documents carry `expireAt` and are deleted by Firestore once it passes. */
export const TTL_COLLECTION_GROUPS = [
  "deliveries",
  "attempts",
  "auditLog",
  "deliveryPayloads",
  "revokedSessions",
  "idempotencyKeys",
  "eventLog",
  "messageTimelines",
  "hourlyStats",
] as const;
export const TTL_FIELD = "expireAt";

export function buildFirestore(config: InfraConfig) {
  const database = new gcp.firestore.Database("firestore", {
    project: config.project,
    name: "(default)",
    locationId: config.firestoreLocation,
    type: "FIRESTORE_NATIVE",
    deleteProtectionState: "DELETE_PROTECTION_ENABLED",
    pointInTimeRecoveryEnablement: "POINT_IN_TIME_RECOVERY_ENABLED",
  });
  const ttlPolicies = TTL_COLLECTION_GROUPS.map(
    (collection) =>
      new gcp.firestore.Field(
        `ttl-${collection}`,
        {
          project: config.project,
          database: database.name,
          collection,
          field: TTL_FIELD,
          ttlConfig: {},
          // Nothing queries by expireAt; an index on a monotonic timestamp would only create hotspots.
          indexConfig: {},
        },
        { dependsOn: [database] },
      ),
  );
  return { database, ttlPolicies };
}
