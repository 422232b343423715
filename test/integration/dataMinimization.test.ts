import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { startReceiver } from "../support/receiver.js";
import { adminDb, json, stack } from "../support/stack.js";
import { createTenant, pairInstance, type Tenant } from "../support/tenants.js";
import { waitFor } from "../support/wait.js";

// Message content and secrets exist only in transit: after real traffic carrying a unique sentinel,
// no stored document, log line or file the stack wrote contains it (or any API key) in plaintext.
const urls = stack();
const SENTINEL = `SENTINEL-${randomUUID()}`;
const SIGNING_SECRET = `whsec_${Buffer.from(randomUUID()).toString("base64")}`;
const PHONE_A = `1558${Math.floor(1e6 + Math.random() * 8e6)}`;
const PHONE_B = `1559${Math.floor(1e6 + Math.random() * 8e6)}`;
const CONTACT = `1554${Math.floor(1e6 + Math.random() * 8e6)}`;

function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

/** The text as it reads inside any base64 string, at each of the three byte alignments. */
function base64Forms(text: string): string[] {
  return [0, 1, 2].map((shift) => {
    const bytes = Buffer.concat([Buffer.alloc(shift), Buffer.from(text)]);
    // Keep only the characters made of the text's bits alone, not the neighbours'.
    return bytes.toString("base64").slice(Math.ceil((8 * shift) / 6), Math.floor((8 * bytes.length) / 6));
  });
}

/** Where `text` appears in `content`, plainly or base64-encoded; undefined when nowhere. */
function findIn(content: string, text: string): "plaintext" | "base64" | undefined {
  if (content.includes(text)) return "plaintext";
  return base64Forms(text).some((form) => content.includes(form)) ? "base64" : undefined;
}

async function storedData(): Promise<string> {
  assert.ok(urls.firestoreExport, "the stand-in's export endpoint is in stack.json");
  const response = await fetch(urls.firestoreExport);
  return response.text();
}

describe("data minimization", () => {
  let tenant: Tenant;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  const as = (id: string) => ({ "x-api-key": tenant.accountKey, "x-instance-id": id });

  const pair = (id: string, phone: string) => pairInstance(tenant.accountKey, id, phone);

  before(async () => {
    receiver = await startReceiver();
    tenant = await createTenant("minimal", ["min-a", "min-b"]);
    for (const id of ["min-a", "min-b"]) {
      const settings = { webhookUrl: receiver.url, eventSigningSecret: SIGNING_SECRET };
      assert.equal(
        (
          await json("PUT", `${urls.gateway}/account/instances/${id}/settings`, settings, {
            "x-api-key": tenant.accountKey,
          })
        ).status,
        204,
      );
    }
    await pair("min-a", PHONE_A);
    await pair("min-b", PHONE_B);
    const to = `${PHONE_B}@s.whatsapp.net`;
    assert.equal(
      (await json("POST", `${urls.gateway}/messages/text`, { to, text: `text ${SENTINEL}` }, as("min-a")))
        .status,
      201,
    );
    const image = {
      to,
      data: Buffer.from(SENTINEL).toString("base64"),
      mimeType: "image/png",
      caption: `caption ${SENTINEL}`,
    };
    assert.equal((await json("POST", `${urls.gateway}/messages/image`, image, as("min-a"))).status, 201);
    assert.equal(
      (
        await json("POST", `${urls.simulator}/v1/phones/${CONTACT}/messages`, {
          to: PHONE_A,
          text: `inbound ${SENTINEL}`,
        })
      ).status,
      201,
    );
    const delivered = await waitFor(
      async () => receiver.received.filter((r) => r.body.includes(SENTINEL)).length,
      "delivered",
      { until: (count) => count >= 3, timeoutMs: 60_000 },
    );
    assert.ok(delivered >= 3, "the sentinel really flowed through the system to the webhooks");
    // A failing call whose path names a phone number: the request log line must not.
    const refused = await json("GET", `${urls.gateway}/session/pair-code/${PHONE_A}`, undefined, as("min-a"));
    assert.equal(refused.status, 409);
  });

  after(() => receiver.close());

  it("the sentinel is in no stored document, log line or file the stack wrote", async () => {
    const firestore = await storedData();
    assert.ok(firestore.includes(tenant.user.uid), "the export holds this tenant's documents");
    const places: Array<[string, string]> = [["firestore", firestore]];
    for (const file of [
      ...filesUnder(".wsapi"),
      ...filesUnder("functions").filter((f) => f.endsWith(".local")),
    ]) {
      if (file.includes(`${join(".wsapi", "tmp")}`)) continue;
      places.push([file, readFileSync(file).toString("latin1")]);
    }
    assert.ok(
      places.some(([name]) => name.endsWith("emulators.log")),
      "the functions' logs were scanned",
    );
    assert.ok(
      places.some(([name]) => name.includes("instance-")),
      "the instances' logs were scanned",
    );
    for (const [name, content] of places) {
      const found = findIn(content, SENTINEL);
      assert.equal(found, undefined, `message content found (${found}) in ${name}`);
    }
  });

  it("no phone number or JID is in any log line (pairing, messages, failed requests)", async () => {
    const logs = filesUnder(".wsapi/logs").map((file) => [file, readFileSync(file, "utf8")] as const);
    assert.ok(
      logs.some(([name]) => name.includes("instance-")),
      "the instances' logs were scanned",
    );
    for (const [name, content] of logs) {
      for (const phone of [PHONE_A, PHONE_B, CONTACT]) {
        assert.ok(!content.includes(phone), `phone number or JID found in ${name}`);
      }
    }
  });

  it("message content is held in at most one place, encrypted, and not once delivered", async () => {
    const db = adminDb();
    for (const id of ["min-a", "min-b"]) {
      const deliveries = await db
        .collection("accounts")
        .doc(tenant.user.uid)
        .collection("instances")
        .doc(id)
        .collection("deliveries")
        .get();
      assert.ok(deliveries.size > 0);
      for (const delivery of deliveries.docs) {
        const held = await db.collection("deliveryPayloads").doc(delivery.id).get();
        if (delivery.get("state") === "delivered") {
          assert.equal(held.exists, false, "a delivered event's content is deleted");
        } else if (held.exists) {
          assert.match(String(held.get("payload")), /^v\d+\./, "held only as an AES-GCM envelope");
          const expireAt = held.get("expireAt").toMillis();
          assert.ok(expireAt <= Date.now() + 25 * 3600_000, "held no longer than the schedule needs");
        }
      }
    }
    // Tasks carry ids only (functions/test/webhookWorker.test.ts): the payload collection is the one place.
  });

  it("runtime problems reach customers as codes, never the provider's text", async () => {
    const providerText =
      "Revision 'wi-min-00001' is not ready: Permission 'iam.serviceaccounts.actAs' denied on wsapi-i@cell-7.iam.gserviceaccount.com";
    await adminDb()
      .collection("accounts")
      .doc(tenant.user.uid)
      .collection("instances")
      .doc("min-b")
      .update({ runtime: { state: "crashed", detail: providerText, updatedAt: Date.now() } });
    const detail = await json("GET", `${urls.gateway}/account/instances/min-b`, undefined, {
      "x-api-key": tenant.accountKey,
    });
    const text = JSON.stringify(detail.body);
    assert.ok(!text.includes("gserviceaccount") && !text.includes("actAs"), text);
    const runtime = detail.body.runtime as { state: string; code?: string } | undefined;
    if (runtime?.state === "crashed") assert.equal(runtime.code, "permission");
  });

  it("no API key or signing secret is stored or logged in plaintext", async () => {
    const secrets = [
      tenant.accountKey,
      ...tenant.instances.map((instance) => instance.apiKey),
      SIGNING_SECRET,
    ];
    const places: Array<[string, string]> = [["firestore", await storedData()]];
    for (const file of filesUnder(".wsapi/logs")) places.push([file, readFileSync(file, "utf8")]);
    for (const [name, content] of places) {
      for (const secret of secrets) {
        const found = findIn(content, secret);
        assert.equal(found, undefined, `${secret.slice(0, 8)}… found (${found}) in ${name}`);
      }
    }
  });
});
