import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { validateConfig } from "../src/config.ts";
import { buildTestStack, CELL_PROJECT_EU, CONTROL_PROJECT, ofType, testConfig } from "./harness.ts";

const AUDIT = "gcp:projects/iAMAuditConfig:IAMAuditConfig";
const EXPIRY = /^request\.time < timestamp\("(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z)"\)$/;

describe("audit logs", () => {
  test("data reads and writes are logged for Secret Manager, Firestore and IAM", async () => {
    const { resources } = await buildTestStack();
    const audits = ofType(resources, AUDIT).filter((a) => a.inputs.project === CONTROL_PROJECT);
    for (const service of [
      "secretmanager.googleapis.com",
      "datastore.googleapis.com",
      "iam.googleapis.com",
    ]) {
      const audit = audits.find((a) => a.inputs.service === service);
      assert.ok(audit, `no audit config for ${service}`);
      const types = (
        audit.inputs.auditLogConfigs as Array<{ logType: string; exemptedMembers?: string[] }>
      ).map((c) => {
        assert.equal(c.exemptedMembers, undefined, `${service} exempts someone from logging`);
        return c.logType;
      });
      assert.ok(types.includes("DATA_READ") && types.includes("DATA_WRITE"), `${service}: ${types}`);
    }
  });

  test("cell projects, where instance accounts are created, log IAM data access too", async () => {
    const { resources } = await buildTestStack();
    const cellAudit = ofType(resources, AUDIT).find((a) => a.inputs.project === CELL_PROJECT_EU);
    assert.equal(cellAudit?.inputs.service, "iam.googleapis.com");
  });
});

describe("break-glass", () => {
  test("every operator grant carries a condition that expires at the configured time", async () => {
    const config = testConfig();
    const { resources } = await buildTestStack(config);
    const grants = ofType(resources, "gcp:projects/iAMMember:IAMMember").filter((g) =>
      String(g.inputs.member).startsWith("group:"),
    );
    assert.equal(grants.length, config.breakGlass.roles.length);
    for (const grant of grants) {
      assert.equal(grant.inputs.member, `group:${config.breakGlass.group}`);
      const condition = grant.inputs.condition as { expression: string };
      const match = EXPIRY.exec(condition.expression);
      assert.ok(match, `${grant.name}: "${condition.expression}" is not an expiry`);
      assert.equal(match[1], config.breakGlass.expiresAt);
      assert.ok(Date.parse(match[1]!) > Date.now(), "the window is open now");
    }
  });

  test("with no window open, the operators' group holds nothing", async () => {
    const config = testConfig();
    const { resources } = await buildTestStack({
      ...config,
      breakGlass: { ...config.breakGlass, expiresAt: undefined },
    });
    const grants = ofType(resources, "gcp:projects/iAMMember:IAMMember").filter((g) =>
      String(g.inputs.member).startsWith("group:"),
    );
    assert.deepEqual(grants, []);
  });

  test("windows longer than a day and primitive roles are refused", () => {
    const config = testConfig();
    const nextWeek = new Date(Date.now() + 7 * 86_400_000).toISOString().replace(/\.\d+Z$/, "Z");
    assert.throws(
      () => validateConfig({ ...config, breakGlass: { ...config.breakGlass, expiresAt: nextWeek } }),
      /at most 24 hours/,
    );
    assert.throws(
      () => validateConfig({ ...config, breakGlass: { ...config.breakGlass, roles: ["roles/editor"] } }),
      /primitive role roles\/editor/,
    );
    assert.throws(
      () => validateConfig({ ...config, breakGlass: { ...config.breakGlass, expiresAt: "tomorrow" } }),
      /RFC 3339/,
    );
  });
});
