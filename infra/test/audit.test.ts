import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { BREAK_GLASS_ENTITLEMENT_ID } from "../src/breakGlass.ts";
import {
  MAX_BREAK_GLASS_HOURS,
  PRIMITIVE_ROLES,
  SECRET_READING_ROLES,
  validateConfig,
} from "../src/config.ts";
import {
  buildTestStack,
  CELL_PROJECT_EU,
  CELL_PROJECT_US,
  CONTROL_PROJECT,
  logSinkWriter,
  ofType,
  type Registered,
  testConfig,
} from "./harness.ts";

const AUDIT = "gcp:projects/iAMAuditConfig:IAMAuditConfig";
const BUCKET = "gcp:logging/projectBucketConfig:ProjectBucketConfig";
const SINK = "gcp:logging/projectSink:ProjectSink";
const ENTITLEMENT = "gcp:privilegedaccessmanager/entitlement:entitlement";
const ALL_PROJECTS = [CONTROL_PROJECT, CELL_PROJECT_EU, CELL_PROJECT_US];

function loggedTypes(audits: Registered[], project: string, service: string): string[] {
  const audit = audits.find((a) => a.inputs.project === project && a.inputs.service === service);
  assert.ok(audit, `no audit config for ${service} in ${project}`);
  return (audit.inputs.auditLogConfigs as Array<{ logType: string; exemptedMembers?: string[] }>).map((c) => {
    assert.equal(c.exemptedMembers, undefined, `${service} in ${project} exempts someone from logging`);
    return c.logType;
  });
}

/** What a `logName:"…"` clause of a Logging query matches: log names containing the quoted text. */
function logNameClauseMatches(filter: string, logName: string): boolean {
  const clauses = [...filter.matchAll(/logName:"([^"]+)"/g)].map((m) => m[1]!);
  assert.ok(clauses.length > 0, `no logName clause in ${filter}`);
  return clauses.some((text) => logName.includes(text));
}

describe("audit logs", () => {
  test("control plane: Secret Manager, Firestore, IAM and Cloud Run log admin reads, data reads and writes", async () => {
    const { resources } = await buildTestStack();
    const audits = ofType(resources, AUDIT);
    for (const service of [
      "secretmanager.googleapis.com",
      "datastore.googleapis.com",
      "iam.googleapis.com",
      "run.googleapis.com",
    ]) {
      assert.deepEqual(loggedTypes(audits, CONTROL_PROJECT, service).sort(), [
        "ADMIN_READ",
        "DATA_READ",
        "DATA_WRITE",
      ]);
    }
  });

  test("every cell project logs IAM, Secret Manager (instance secrets) and Cloud Run admin data access", async () => {
    const { resources } = await buildTestStack();
    const audits = ofType(resources, AUDIT);
    for (const project of [CELL_PROJECT_EU, CELL_PROJECT_US]) {
      for (const service of ["iam.googleapis.com", "secretmanager.googleapis.com", "run.googleapis.com"]) {
        assert.deepEqual(loggedTypes(audits, project, service).sort(), [
          "ADMIN_READ",
          "DATA_READ",
          "DATA_WRITE",
        ]);
      }
    }
  });
});

describe("audit log archive", () => {
  test("one locked bucket in the control plane keeps logs at least 365 days and refuses deletion", async () => {
    const { resources } = await buildTestStack();
    const buckets = ofType(resources, BUCKET);
    assert.equal(buckets.length, 1);
    const [bucket] = buckets;
    assert.equal(bucket?.inputs.project, CONTROL_PROJECT);
    assert.equal(bucket?.inputs.locked, true);
    assert.ok(Number(bucket?.inputs.retentionDays) >= 365, `retention ${bucket?.inputs.retentionDays}`);
    assert.equal(bucket?.inputs.deletionPolicy, "PREVENT");
  });

  test("the control plane and every cell project route Data Access logs to that bucket", async () => {
    const { resources } = await buildTestStack();
    const [bucket] = ofType(resources, BUCKET);
    const destination = `logging.googleapis.com/projects/${CONTROL_PROJECT}/locations/${bucket?.inputs.location}/buckets/${bucket?.inputs.bucketId}`;
    const sinks = ofType(resources, SINK);
    assert.deepEqual(sinks.map((s) => s.inputs.project).sort(), [...ALL_PROJECTS].sort());
    for (const sink of sinks) {
      const project = String(sink.inputs.project);
      assert.equal(sink.inputs.destination, destination, `${project} sink goes elsewhere`);
      assert.equal(sink.inputs.uniqueWriterIdentity, true);
      assert.notEqual(sink.inputs.disabled, true);
      assert.equal(sink.inputs.exclusions, undefined, `${project} sink excludes entries`);
      const filter = String(sink.inputs.filter);
      assert.ok(
        logNameClauseMatches(filter, `projects/${project}/logs/cloudaudit.googleapis.com%2Fdata_access`),
      );
      assert.ok(
        !logNameClauseMatches(filter, `projects/${project}/logs/cloudaudit.googleapis.com%2Factivity`),
      );
      assert.match(filter, /protoPayload\.serviceName="privilegedaccessmanager\.googleapis\.com"/);
    }
  });

  test("each cell sink's writer may write to that bucket only; the control plane's own sink needs no grant", async () => {
    const { resources } = await buildTestStack();
    const [bucket] = ofType(resources, BUCKET);
    const writers = ofType(resources, "gcp:projects/iAMMember:IAMMember").filter(
      (g) => g.inputs.role === "roles/logging.bucketWriter",
    );
    assert.deepEqual(writers.map((g) => [g.inputs.project, g.inputs.member]).sort(), [
      [CONTROL_PROJECT, logSinkWriter(CELL_PROJECT_EU)],
      [CONTROL_PROJECT, logSinkWriter(CELL_PROJECT_US)],
    ]);
    for (const grant of writers) {
      const condition = grant.inputs.condition as { expression: string };
      assert.equal(
        condition.expression,
        `resource.name.endsWith("locations/${bucket?.inputs.location}/buckets/${bucket?.inputs.bucketId}")`,
      );
    }
  });

  test("a cell in the control-plane project gets no second sink", async () => {
    const config = testConfig();
    const shared = { ...config.cells[0]!, project: CONTROL_PROJECT, sharesControlPlaneProject: true };
    const { resources } = await buildTestStack({ ...config, cells: [shared] });
    assert.deepEqual(
      ofType(resources, SINK).map((s) => s.inputs.project),
      [CONTROL_PROJECT],
    );
  });
});

interface Entitlement {
  parent: string;
  location: string;
  entitlementId: string;
  maxRequestDuration: string;
  eligibleUsers: Array<{ principals: string[] }>;
  requesterJustificationConfig: { unstructured?: object; notMandatory?: object };
  approvalWorkflow?: {
    manualApprovals: {
      requireApproverJustification?: boolean;
      steps: Array<{ approvalsNeeded?: number; approvers: { principals: string[] } }>;
    };
  };
  privilegedAccess: {
    gcpIamAccess: { resource: string; resourceType: string; roleBindings: Array<{ role: string }> };
  };
}

function entitlements(resources: Registered[], expected = ALL_PROJECTS.length): Entitlement[] {
  const found = ofType(resources, ENTITLEMENT).map((e) => e.inputs as unknown as Entitlement);
  assert.equal(found.length, expected, "one entitlement per project");
  return found;
}

describe("break-glass", () => {
  test("one entitlement per project, for the operators' group, at most a day per grant", async () => {
    const config = testConfig();
    const { resources } = await buildTestStack(config);
    const found = entitlements(resources);
    assert.deepEqual(found.map((e) => e.parent).sort(), ALL_PROJECTS.map((p) => `projects/${p}`).sort());
    for (const e of found) {
      assert.equal(e.entitlementId, BREAK_GLASS_ENTITLEMENT_ID);
      assert.deepEqual(e.eligibleUsers, [{ principals: [`group:${config.breakGlass.group}`] }]);
      const seconds = /^(\d+)s$/.exec(e.maxRequestDuration);
      assert.ok(seconds, e.maxRequestDuration);
      assert.ok(Number(seconds[1]) <= MAX_BREAK_GLASS_HOURS * 3600, `${e.parent}: ${e.maxRequestDuration}`);
      assert.ok(Number(seconds[1]) > 0);
      assert.equal(
        e.privilegedAccess.gcpIamAccess.resourceType,
        "cloudresourcemanager.googleapis.com/Project",
      );
      assert.equal(
        e.privilegedAccess.gcpIamAccess.resource,
        `//cloudresourcemanager.googleapis.com/${e.parent}`,
      );
    }
  });

  test("every request needs a written justification and an approval from the other group", async () => {
    const config = testConfig();
    const { resources } = await buildTestStack(config);
    for (const e of entitlements(resources)) {
      assert.ok(e.requesterJustificationConfig.unstructured, "justification is mandatory");
      assert.equal(e.requesterJustificationConfig.notMandatory, undefined);
      const approvals = e.approvalWorkflow?.manualApprovals;
      assert.ok(approvals, `${e.parent}: grants without approval`);
      assert.equal(approvals.requireApproverJustification, true);
      assert.ok(approvals.steps.length >= 1);
      for (const step of approvals.steps) {
        assert.ok((step.approvalsNeeded ?? 1) >= 1);
        assert.deepEqual(step.approvers.principals, [`group:${config.breakGlass.approvers}`]);
        assert.ok(!step.approvers.principals.includes(`group:${config.breakGlass.group}`));
      }
    }
  });

  test("grants carry the configured roles: never primitive, never secret-reading", async () => {
    const config = testConfig();
    const { resources } = await buildTestStack(config);
    const forbidden: readonly string[] = [...PRIMITIVE_ROLES, ...SECRET_READING_ROLES];
    for (const e of entitlements(resources)) {
      const roles = e.privilegedAccess.gcpIamAccess.roleBindings.map((b) => b.role);
      assert.deepEqual(roles, config.breakGlass.roles);
      for (const role of roles) assert.ok(!forbidden.includes(role), role);
    }
  });

  test("no human holds a standing grant: no IAM resource names a group, user or domain", async () => {
    const { resources } = await buildTestStack();
    const iam = resources.filter((r) => typeof r.inputs.role === "string");
    assert.ok(iam.length > 10);
    for (const binding of iam) {
      const members = [binding.inputs.member, ...((binding.inputs.members as unknown[]) ?? [])].map(String);
      for (const member of members) assert.doesNotMatch(member, /^(group|user|domain):/, binding.name);
    }
  });

  test("with neither group configured there is no entitlement and no human access", async () => {
    const config = testConfig();
    const { resources } = await buildTestStack({
      ...config,
      breakGlass: { ...config.breakGlass, group: "", approvers: "" },
    });
    assert.deepEqual(entitlements(resources, 0), []);
  });

  test("the config refuses self-approval, a lone group, the old expiring window and primitive roles", () => {
    const config = testConfig();
    const with_ = (breakGlass: Partial<typeof config.breakGlass>) =>
      validateConfig({ ...config, breakGlass: { ...config.breakGlass, ...breakGlass } });
    assert.throws(() => with_({ approvers: config.breakGlass.group.toUpperCase() }), /must differ/);
    assert.throws(() => with_({ approvers: "" }), /approvers must be a group email/);
    assert.throws(() => with_({ group: "" }), /group must be a group email/);
    assert.throws(() => with_({ expiresAt: "2030-01-01T12:00:00Z" }), /expiresAt is no longer read/);
    assert.throws(() => with_({ roles: ["roles/editor"] }), /primitive role roles\/editor/);
    assert.throws(() => with_({ roles: [] }), /at least one role/);
  });
});
