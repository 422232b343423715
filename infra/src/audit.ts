import * as gcp from "@pulumi/gcp";
import { buildBreakGlass } from "./breakGlass.ts";
import type { InfraConfig } from "./config.ts";
import { buildLogArchive } from "./logging.ts";

/** Control plane: secrets, Firestore, the accounts it holds, and the Cloud Run services behind the functions. */
export const AUDITED_SERVICES = [
  "secretmanager.googleapis.com",
  "datastore.googleapis.com",
  "iam.googleapis.com",
  "run.googleapis.com",
] as const;

/**
 * Cells: instance accounts are created here (IAM), instance secrets live here (Secret Manager), and
 * the provisioner creates, reads and changes instance services here (Cloud Run admin API).
 */
export const CELL_AUDITED_SERVICES = [
  "iam.googleapis.com",
  "secretmanager.googleapis.com",
  "run.googleapis.com",
] as const;

export const AUDIT_LOG_TYPES = ["ADMIN_READ", "DATA_READ", "DATA_WRITE"] as const;

const auditLogConfigs = AUDIT_LOG_TYPES.map((logType) => ({ logType }));
const short = (service: string) => service.split(".")[0];

/**
 * Data Access audit logs in the control plane and in every cell project, routed to a locked bucket
 * (logging.ts); human access only through approved, expiring Privileged Access Manager grants
 * (breakGlass.ts).
 */
export function buildAudit(config: InfraConfig) {
  const auditConfigs = AUDITED_SERVICES.map(
    (service) =>
      new gcp.projects.IAMAuditConfig(`audit-${short(service)}`, {
        project: config.project,
        service,
        auditLogConfigs,
      }),
  );
  const cellProjects = [...new Set(config.cells.map((cell) => cell.project))].filter(
    (p) => p !== config.project,
  );
  const cellAuditConfigs = cellProjects.flatMap((project) =>
    CELL_AUDITED_SERVICES.map(
      (service) =>
        new gcp.projects.IAMAuditConfig(`audit-${short(service)}-${project}`, {
          project,
          service,
          auditLogConfigs,
        }),
    ),
  );
  const logArchive = buildLogArchive(config);
  const breakGlass = buildBreakGlass(config);
  return { auditConfigs, cellAuditConfigs, logArchive, breakGlass };
}
