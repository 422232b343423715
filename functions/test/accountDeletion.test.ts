import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { type AccountDeletionRecord, nextAccountDeletionStep } from "../src/core/accountDeletion.js";

describe("account deletion job", () => {
  it("deletes instances, then documents, then the Auth user, then its record", () => {
    let record: AccountDeletionRecord = { uid: "u1", requestedAt: 0 };
    const seen: string[] = [];
    for (let i = 0; i < 10; i++) {
      const step = nextAccountDeletionStep(record);
      seen.push(step.kind);
      if (step.kind === "finish") break;
      const field = {
        deleteInstances: "instancesDeletedAt",
        eraseDocuments: "documentsErasedAt",
        deleteAuthUser: "authUserDeletedAt",
      }[step.kind];
      record = { ...record, [field]: i + 1 };
    }
    assert.deepEqual(seen, ["deleteInstances", "eraseDocuments", "deleteAuthUser", "finish"]);
  });

  it("resumes where an interrupted run stopped", () => {
    const record = { uid: "u1", requestedAt: 0, instancesDeletedAt: 1 };
    assert.equal(nextAccountDeletionStep(record).kind, "eraseDocuments");
    assert.equal(nextAccountDeletionStep({ ...record, documentsErasedAt: 2 }).kind, "deleteAuthUser");
  });
});
