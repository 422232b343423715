import assert from "node:assert/strict";
import { statSync } from "node:fs";
import { before, describe, it } from "node:test";
import { adminDb, json, stack } from "../support/stack.js";
import { createTenant, type Tenant } from "../support/tenants.js";
import { waitFor } from "../support/wait.js";

// The local runtime: one process per instance, own port and data directory; a crash shows as 503
// and the reconciler brings the instance back without anyone touching it.
const { gateway, supervisor } = stack();

async function runtimeOf(tenant: Tenant, instanceId: string) {
  const doc = await adminDb()
    .collection("accounts")
    .doc(tenant.user.uid)
    .collection("instances")
    .doc(instanceId)
    .get();
  const runtimeId = String(doc.get("runtimeId"));
  const status = await json("GET", `${supervisor}/v1/runtimes/${runtimeId}`);
  return { runtimeId, pid: Number(status.body.pid), url: String(status.body.url) };
}

describe("local instance runtime", () => {
  let tenant: Tenant;
  before(async () => {
    tenant = await createTenant("runtime", ["crashy", "steady"]);
  });

  it("runs each instance as its own process with its own port and private data directory", async () => {
    const [a, b] = await Promise.all([runtimeOf(tenant, "crashy"), runtimeOf(tenant, "steady")]);
    assert.notEqual(a.pid, b.pid);
    assert.notEqual(new URL(a.url).port, new URL(b.url).port);
    for (const runtime of [a, b]) {
      const mode = statSync(`.wsapi/instances/${runtime.runtimeId}`).mode & 0o777;
      assert.equal(mode, 0o700, `data directory of ${runtime.runtimeId} is ${mode.toString(8)}`);
    }
  });

  it("answers 503 while a crashed instance is down, then recovers through the reconciler", async () => {
    const call = () =>
      json("GET", `${gateway}/session/status`, undefined, {
        "x-api-key": tenant.accountKey,
        "x-instance-id": "crashy",
      });
    assert.equal((await call()).status, 200);
    const before = await runtimeOf(tenant, "crashy");
    process.kill(before.pid, "SIGKILL");
    const down = await waitFor(call, "down", { until: (r) => r.status === 503, timeoutMs: 10_000 });
    assert.equal(down.status, 503);
    assert.equal(down.body.status, 503);
    assert.ok(down.headers.get("retry-after"));
    const recovered = await waitFor(call, "recovered", { until: (r) => r.status === 200, timeoutMs: 60_000 });
    assert.equal(recovered.status, 200);
    const after = await runtimeOf(tenant, "crashy");
    assert.notEqual(after.pid, before.pid);
    const steady = await json("GET", `${gateway}/session/status`, undefined, {
      "x-api-key": tenant.accountKey,
      "x-instance-id": "steady",
    });
    assert.equal(steady.status, 200, "the other instance never noticed");
  });
});
