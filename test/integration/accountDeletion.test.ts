import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { getAuth } from "firebase-admin/auth";
import { adminApp, asUser, json, STRONG_PASSWORD, signInWithPassword, stack } from "../support/stack.js";
import { createTenant, type Tenant } from "../support/tenants.js";
import { waitFor } from "../support/wait.js";

// Deleting an account, through the dashboard API or by deleting the Firebase Auth user (console,
// Admin SDK: the accountdeleted trigger): the keys are refused within 10 s, and within 30 s no
// Firestore document names the account (uid or email), the instance deletion jobs' records included
// (they carry the uid until their settle time, SETTLE_MS = 20 s); the Firebase Auth user is gone.
const urls = stack();

async function exported(): Promise<string> {
  assert.ok(urls.firestoreExport, "the stand-in's export endpoint is in stack.json");
  return (await fetch(urls.firestoreExport)).text();
}

/** The paths of the exported documents (at any depth) whose content holds one of `needles`. */
function naming(exportText: string, needles: string[]): string[] {
  const found: string[] = [];
  const walk = (node: unknown) => {
    if (!node || typeof node !== "object") return;
    const record = node as Record<string, unknown>;
    const documents = record.documents as Record<string, unknown> | undefined;
    if (documents && typeof documents === "object") {
      for (const [name, doc] of Object.entries(documents)) {
        const own = JSON.stringify({ ...(doc as object), collections: undefined });
        if (needles.some((needle) => own.includes(needle) || name.includes(needle))) {
          found.push(`${String(record.path)}/${name}`);
        }
        walk(doc);
      }
    }
    for (const [key, value] of Object.entries(record)) if (key !== "documents") walk(value);
  };
  walk(JSON.parse(exportText));
  return found;
}

/** Within 10 s both keys are refused; within 30 s nothing names the account. */
async function assertDeleted(tenant: Tenant, instanceId: string, started: number) {
  const { uid, email } = tenant.user;
  const instanceKey = { "x-api-key": tenant.instances[0]!.apiKey, "x-instance-id": instanceId };
  const accountKey = { "x-api-key": tenant.accountKey };
  const refused = await waitFor(
    async () => [
      (await json("GET", `${urls.gateway}/account/instances`, undefined, accountKey)).status,
      (await json("GET", `${urls.gateway}/session/status`, undefined, instanceKey)).status,
    ],
    "refused",
    {
      until: (statuses) => statuses.every((status) => status === 401),
      timeoutMs: Math.max(0, started + 10_000 - Date.now()),
    },
  );
  assert.deepEqual(refused, [401, 401], "both keys refused within 10 s");
  const remaining = await waitFor(async () => naming(await exported(), [uid, email]), "remaining", {
    until: (paths) => paths.length === 0,
    timeoutMs: Math.max(0, started + 30_000 - Date.now()),
  });
  assert.deepEqual(remaining, [], "no document names the account 30 s after the request");
  await assert.rejects(signInWithPassword(email, STRONG_PASSWORD), "the Auth user is deleted");
}

async function assertStored(tenant: Tenant, instanceId: string) {
  const { uid, email } = tenant.user;
  const stored = await exported();
  assert.ok(stored.includes(uid) && stored.includes(email), "the account is stored");
  const instanceKey = { "x-api-key": tenant.instances[0]!.apiKey, "x-instance-id": instanceId };
  assert.equal((await json("GET", `${urls.gateway}/session/status`, undefined, instanceKey)).status, 200);
}

describe("deleting an account in the dashboard", () => {
  let tenant: Tenant;

  before(async () => {
    tenant = await createTenant("leaver", ["leaving"]);
  });

  it("needs a sign-in at most 5 minutes old and the CSRF token", async () => {
    const noCsrf = await json(
      "DELETE",
      `${urls.dashboard}/v1/account`,
      { idToken: "x" },
      asUser(tenant.user, false),
    );
    assert.equal(noCsrf.status, 403);
    const badToken = await json(
      "DELETE",
      `${urls.dashboard}/v1/account`,
      { idToken: "x" },
      asUser(tenant.user),
    );
    assert.equal(badToken.status, 401);
  });

  it("refuses the keys within 10 s and leaves no document naming the account within 30 s", async () => {
    await assertStored(tenant, "leaving");
    const idToken = await signInWithPassword(tenant.user.email, STRONG_PASSWORD);
    const started = Date.now();
    const deleted = await json("DELETE", `${urls.dashboard}/v1/account`, { idToken }, asUser(tenant.user));
    assert.equal(deleted.status, 202, JSON.stringify(deleted.body));
    await assertDeleted(tenant, "leaving", started);
    const session = await json("GET", `${urls.dashboard}/v1/session`, undefined, asUser(tenant.user));
    assert.equal(session.status, 401);
  });
});

describe("deleting the Firebase Auth user (console, Admin SDK)", () => {
  it("runs the same job through the Auth deletion trigger", async () => {
    const tenant = await createTenant("removed", ["orphan"]);
    await assertStored(tenant, "orphan");
    const started = Date.now();
    await getAuth(adminApp()).deleteUser(tenant.user.uid);
    await assertDeleted(tenant, "orphan", started);
  });
});
