import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import { type InfraConfig, MAX_BREAK_GLASS_HOURS } from "./config.ts";
import { auditedProjects } from "./logging.ts";

export const BREAK_GLASS_ENTITLEMENT_ID = "wsapi-break-glass";
export const PAM_LOCATION = "global";
/** Longest grant one request can ask for; a longer incident asks again, and is approved again. */
export const BREAK_GLASS_MAX_HOURS = 8;

if (BREAK_GLASS_MAX_HOURS > MAX_BREAK_GLASS_HOURS) {
  throw new Error(`BREAK_GLASS_MAX_HOURS exceeds MAX_BREAK_GLASS_HOURS (${MAX_BREAK_GLASS_HOURS})`);
}

/**
 * Human access is a Privileged Access Manager grant: an operator of `breakGlass.group` asks with a
 * written justification, one member of `breakGlass.approvers` approves with a reason, and PAM binds
 * the roles for at most BREAK_GLASS_MAX_HOURS, then removes them. No standing human binding exists;
 * requests, approvals and grants are audit-logged and archived with the Data Access logs.
 * One entitlement per project: the control plane and every cell project. With neither group
 * configured (validateConfig refuses one without the other) there is no entitlement at all.
 */
export function buildBreakGlass(config: InfraConfig) {
  const { group, approvers, roles } = config.breakGlass;
  if (group === "") {
    pulumi.log.warn("breakGlass.group and breakGlass.approvers are unset: no human can be granted access");
    return [];
  }
  return auditedProjects(config).map(
    (project) =>
      new gcp.privilegedaccessmanager.Entitlement(`break-glass-${project}`, {
        parent: `projects/${project}`,
        location: PAM_LOCATION,
        entitlementId: BREAK_GLASS_ENTITLEMENT_ID,
        maxRequestDuration: `${BREAK_GLASS_MAX_HOURS * 3600}s`,
        eligibleUsers: [{ principals: [`group:${group}`] }],
        requesterJustificationConfig: { unstructured: {} },
        approvalWorkflow: {
          manualApprovals: {
            requireApproverJustification: true,
            steps: [
              {
                approvalsNeeded: 1,
                approvers: { principals: [`group:${approvers}`] },
                approverEmailRecipients: [approvers],
              },
            ],
          },
        },
        privilegedAccess: {
          gcpIamAccess: {
            resourceType: "cloudresourcemanager.googleapis.com/Project",
            resource: `//cloudresourcemanager.googleapis.com/projects/${project}`,
            roleBindings: roles.map((role) => ({ role })),
          },
        },
        additionalNotificationTargets: { adminEmailRecipients: [approvers] },
      }),
  );
}
