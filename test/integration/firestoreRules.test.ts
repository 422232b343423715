import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { after, before, describe, it } from "node:test";
import {
  assertFails,
  assertSucceeds,
  initializeTestEnvironment,
  type RulesTestEnvironment,
} from "@firebase/rules-unit-testing";
import { stack } from "../support/stack.js";

// Security rules need the official emulator's rules engine; the Node stand-in has none.
const urls = stack();
const official = urls.firestoreKind === "official";
const NOT_RUN =
  "firestore.rules NOT tested: the official Firestore emulator (Java 21) is not running, and the stand-in has no rules engine";

describe("firestore.rules", () => {
  let env: RulesTestEnvironment | undefined;

  before(async () => {
    if (!official) return;
    const [host, port] = urls.firestore.split(":");
    env = await initializeTestEnvironment({
      projectId: "demo-wsapi-rules",
      firestore: { host: host!, port: Number(port), rules: readFileSync("firestore.rules", "utf8") },
    });
    await env.withSecurityRulesDisabled(async (context) => {
      const db = context.firestore();
      await db.doc("accounts/alice").set({ email: "alice@example.com", planId: "free" });
      await db.doc("accounts/alice/instances/i1").set({ name: "Sales" });
      await db.doc("accountSecrets/alice").set({ apiKey: "v1.1.x" });
      await db.doc("instanceSecrets/wi1").set({ apiKey: "v1.1.x" });
      await db.doc("apiKeys/digest").set({ accountId: "alice" });
    });
  });

  after(async () => {
    await env?.cleanup();
  });

  it("lets owners read their own account and instances, and nothing else", async (t) => {
    if (!env) return t.skip(NOT_RUN);
    const alice = env.authenticatedContext("alice").firestore();
    const bob = env.authenticatedContext("bob").firestore();
    const anonymous = env.unauthenticatedContext().firestore();
    await assertSucceeds(alice.doc("accounts/alice").get());
    await assertSucceeds(alice.doc("accounts/alice/instances/i1").get());
    await assertFails(bob.doc("accounts/alice").get());
    await assertFails(bob.doc("accounts/alice/instances/i1").get());
    await assertFails(anonymous.doc("accounts/alice").get());
  });

  it("never lets a client read secrets or key digests, or write anything", async (t) => {
    if (!env) return t.skip(NOT_RUN);
    const alice = env.authenticatedContext("alice").firestore();
    await assertFails(alice.doc("accountSecrets/alice").get());
    await assertFails(alice.doc("instanceSecrets/wi1").get());
    await assertFails(alice.doc("apiKeys/digest").get());
    await assertFails(alice.doc("accounts/alice").set({ planId: "enterprise" }));
    await assertFails(alice.doc("accounts/alice/instances/i2").set({ name: "x" }));
  });

  it("reports plainly whether the rules ran", () => {
    if (!official) console.log(`\n⚠ ${NOT_RUN}\n`);
    assert.ok(official || !env);
  });
});
