import * as gcp from "@pulumi/gcp";
import type { InfraConfig } from "./config.ts";

/** Services whose reads and writes of data are logged, not only their admin activity. */
export const AUDITED_SERVICES = [
  "secretmanager.googleapis.com",
  "datastore.googleapis.com",
  "iam.googleapis.com",
] as const;

export const AUDIT_LOG_TYPES = ["ADMIN_READ", "DATA_READ", "DATA_WRITE"] as const;

/** The CEL condition that makes a break-glass grant stop working by itself. */
export function breakGlassCondition(expiresAt: string) {
  return {
    title: "break-glass window",
    description: `Operator access expires at ${expiresAt}; see infra/README.md, Break-glass.`,
    expression: `request.time < timestamp("${expiresAt}")`,
  };
}

/**
 * Data-access audit logs in the control plane, plus IAM data access in each cell project where
 * instance service accounts are created. Human access exists only inside an expiring window.
 */
export function buildAudit(config: InfraConfig) {
  const auditConfigs = AUDITED_SERVICES.map(
    (service) =>
      new gcp.projects.IAMAuditConfig(`audit-${service.split(".")[0]}`, {
        project: config.project,
        service,
        auditLogConfigs: AUDIT_LOG_TYPES.map((logType) => ({ logType })),
      }),
  );
  const cellProjects = [...new Set(config.cells.map((cell) => cell.project))].filter(
    (p) => p !== config.project,
  );
  const cellAuditConfigs = cellProjects.map(
    (project) =>
      new gcp.projects.IAMAuditConfig(`audit-iam-${project}`, {
        project,
        service: "iam.googleapis.com",
        auditLogConfigs: AUDIT_LOG_TYPES.map((logType) => ({ logType })),
      }),
  );

  const { group, roles, expiresAt } = config.breakGlass;
  // Without an open window the operators' group holds no role at all.
  const breakGlass =
    expiresAt === undefined
      ? []
      : roles.map(
          (role) =>
            new gcp.projects.IAMMember(`break-glass-${role.replace(/^roles\//, "").replace(/\W/g, "-")}`, {
              project: config.project,
              role,
              member: `group:${group}`,
              condition: breakGlassCondition(expiresAt),
            }),
        );
  return { auditConfigs, cellAuditConfigs, breakGlass };
}
