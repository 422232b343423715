import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import type { InfraConfig } from "./config.ts";

/** A year of Data Access logs, plus a month to finish a yearly review. */
export const DATA_ACCESS_RETENTION_DAYS = 400;
export const DATA_ACCESS_BUCKET_ID = "wsapi-data-access";
export const DATA_ACCESS_SINK_NAME = "wsapi-data-access";

/** Data Access audit logs (DATA_READ, DATA_WRITE, ADMIN_READ all write to this one log). */
export const DATA_ACCESS_LOG_FILTER = 'logName:"cloudaudit.googleapis.com%2Fdata_access"';
/** Break-glass requests, approvals and activations, whatever audit log type PAM writes them to. */
export const BREAK_GLASS_LOG_FILTER = 'protoPayload.serviceName="privilegedaccessmanager.googleapis.com"';
export const ARCHIVE_FILTER = `${DATA_ACCESS_LOG_FILTER} OR ${BREAK_GLASS_LOG_FILTER}`;

/** Every project this program puts workloads in: the control plane first, then each cell project once. */
export function auditedProjects(config: InfraConfig): string[] {
  return [...new Set([config.project, ...config.cells.map((cell) => cell.project)])];
}

/**
 * One locked log bucket in the control-plane project keeps the Data Access logs of every project for
 * DATA_ACCESS_RETENTION_DAYS. Locked means nobody, the deployer included, can shorten the retention
 * or delete the bucket while it holds logs; `_Default` would keep them 30 days and can be changed.
 * Each project routes its own Data Access logs there through a sink.
 */
export function buildLogArchive(config: InfraConfig) {
  const location = config.region;
  const bucket = new gcp.logging.ProjectBucketConfig("data-access-archive", {
    project: config.project,
    location,
    bucketId: DATA_ACCESS_BUCKET_ID,
    description: "Data Access audit logs of the control plane and every cell; locked",
    retentionDays: DATA_ACCESS_RETENTION_DAYS,
    locked: true,
    // Google refuses to delete a locked bucket that holds logs anyway; this stops `pulumi up` trying.
    deletionPolicy: "PREVENT",
  });
  const bucketPath = `projects/${config.project}/locations/${location}/buckets/${DATA_ACCESS_BUCKET_ID}`;
  const destination = `logging.googleapis.com/${bucketPath}`;

  const sinks = auditedProjects(config).map((project) => {
    const crossProject = project !== config.project;
    const sink = new gcp.logging.ProjectSink(
      `data-access-sink-${project}`,
      {
        project,
        name: DATA_ACCESS_SINK_NAME,
        description: "Data Access audit logs and break-glass records to the locked archive",
        destination,
        filter: ARCHIVE_FILTER,
        // Cross-project delivery needs the project's logging service agent as the writer.
        uniqueWriterIdentity: true,
      },
      { dependsOn: [bucket] },
    );
    // A sink into a bucket of its own project writes without an identity; other projects' writers
    // get bucketWriter on this one bucket only (log buckets have no IAM of their own).
    const writerGrant = crossProject
      ? new gcp.projects.IAMMember(`data-access-writer-${project}`, {
          project: config.project,
          role: "roles/logging.bucketWriter",
          member: sink.writerIdentity,
          condition: {
            title: "data access archive only",
            description: `Sink ${DATA_ACCESS_SINK_NAME} of ${project} writes to ${DATA_ACCESS_BUCKET_ID} only.`,
            expression: `resource.name.endsWith("locations/${location}/buckets/${DATA_ACCESS_BUCKET_ID}")`,
          },
        })
      : undefined;
    return { project, sink, writerGrant };
  });
  return { bucket, bucketPath: pulumi.output(bucketPath), sinks };
}
