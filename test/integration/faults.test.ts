import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { after, before, describe, it } from "node:test";
import { asUser, json, stack } from "../support/stack.js";
import { createTenant, type Tenant } from "../support/tenants.js";
import { waitFor } from "../support/wait.js";

// Faults: the functions process running a webhook delivery dies mid-request; Cloud Tasks retries
// the same task and the event is still delivered, with the same webhook-id.
const { dashboard, gateway } = stack();

/** Worker processes of the Functions emulator serving one function (found by FUNCTION_TARGET). */
function workersOf(target: string): number[] {
  return readdirSync("/proc")
    .filter((entry) => /^\d+$/.test(entry))
    .filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/environ`, "latin1")
          .split("\0")
          .includes(`FUNCTION_TARGET=${target}`);
      } catch {
        return false;
      }
    })
    .map(Number);
}

describe("faults", () => {
  let tenant: Tenant;
  const requests: Array<{ webhookId: string; res: ServerResponse }> = [];
  let hangFirst = true;
  const server = createServer((req: IncomingMessage, res) => {
    req.resume();
    req.on("end", () => {
      requests.push({ webhookId: String(req.headers["webhook-id"]), res });
      if (hangFirst) return; // never answers: the delivery is in flight when its process dies
      res.writeHead(204);
      res.end();
    });
  });

  before(async () => {
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    tenant = await createTenant("faults", ["fault-1"]);
    const { port } = server.address() as { port: number };
    const settings = { webhookUrl: `http://127.0.0.1:${port}/hook` };
    const put = await json("PUT", `${gateway}/account/instances/fault-1/settings`, settings, {
      "x-api-key": tenant.accountKey,
    });
    assert.equal(put.status, 204);
  });

  after(() => {
    for (const { res } of requests) res.destroy();
    server.close();
  });

  it("a delivery survives the death of the functions process running it", { timeout: 120_000 }, async () => {
    const sent = await json(
      "POST",
      `${dashboard}/v1/instances/fault-1/webhook/test`,
      undefined,
      asUser(tenant.user),
    );
    assert.ok(sent.status < 300, JSON.stringify(sent.body));
    await waitFor(async () => requests.length, "a first delivery attempt", {
      until: (n) => n >= 1,
      timeoutMs: 30_000,
    });
    const workers = workersOf("deliverwebhook");
    assert.ok(workers.length > 0, "found the deliverwebhook worker");
    hangFirst = false;
    // Every delivery in flight now hangs; the instance's own events (session health) may be among them.
    const inFlight = requests.length;
    const hung = new Set(requests.map((request) => request.webhookId));
    for (const pid of workers) process.kill(pid, "SIGKILL");
    // Cloud Tasks runs a task again after its process died; the retry carries the same webhook-id,
    // so a receiver can tell it is the same event (waitFor fails the test if none comes).
    await waitFor(async () => requests.slice(inFlight), "a retry, same webhook-id, of a delivery in flight", {
      until: (later) => later.some((request) => hung.has(request.webhookId)),
      timeoutMs: 90_000,
    });
    assert.ok([...hung].every((id) => /^evt_/.test(id)));
  });
});
