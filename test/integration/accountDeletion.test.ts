import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { asUser, json, STRONG_PASSWORD, signInWithPassword, stack } from "../support/stack.js";
import { createTenant, eventually, type Tenant } from "../support/tenants.js";

// Deleting an account through the dashboard API: the keys are refused within 10 s, and within 30 s
// no Firestore document names the account (uid or email) once the instance deletion
// jobs finish (their records carry the uid until their settle time, SETTLE_MS = 30 s); the Firebase Auth user is gone.
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

describe("deleting an account", () => {
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

  it("refuses the keys within 10 s and leaves no document naming the account", async () => {
    const { uid, email } = tenant.user;
    const before = await exported();
    assert.ok(before.includes(uid) && before.includes(email), "the account is stored");
    const instanceKey = { "x-api-key": tenant.instances[0]!.apiKey, "x-instance-id": "leaving" };
    const accountKey = { "x-api-key": tenant.accountKey };
    assert.equal((await json("GET", `${urls.gateway}/account/instances`, undefined, accountKey)).status, 200);

    const idToken = await signInWithPassword(email, STRONG_PASSWORD);
    const started = Date.now();
    const deleted = await json("DELETE", `${urls.dashboard}/v1/account`, { idToken }, asUser(tenant.user));
    assert.equal(deleted.status, 202, JSON.stringify(deleted.body));

    const refused = await eventually(
      async () => [
        (await json("GET", `${urls.gateway}/account/instances`, undefined, accountKey)).status,
        (await json("GET", `${urls.gateway}/session/status`, undefined, instanceKey)).status,
      ],
      (statuses) => statuses.every((status) => status === 401),
      Math.max(0, started + 10_000 - Date.now()),
    );
    assert.deepEqual(refused, [401, 401], "both keys refused within 10 s");

    // The account's own documents go before the answer; the instance deletion jobs' records
    // (instanceDeletions/{runtimeId}) carry the uid until their settle time (SETTLE_MS, 30 s from
    // their request) has passed and their final sweep ran.
    const named = async () => naming(await exported(), [uid, email]);
    const outsideJobs = (await named()).filter((path) => !path.includes("/instanceDeletions/"));
    assert.ok(Date.now() - started < 30_000);
    assert.deepEqual(outsideJobs, [], "no document but the instance jobs' records names the account");
    const remaining = await eventually(named, (paths) => paths.length === 0, started + 45_000 - Date.now());
    assert.deepEqual(remaining, [], "no document names the account");

    await assert.rejects(signInWithPassword(email, STRONG_PASSWORD), "the Auth user is deleted");
    const session = await json("GET", `${urls.dashboard}/v1/session`, undefined, asUser(tenant.user));
    assert.equal(session.status, 401);
  });
});
