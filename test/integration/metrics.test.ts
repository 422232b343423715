import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { METRICS } from "@wsapi/contracts/metrics";
import type { CollectedPoint } from "../../scripts/stack/otlpCollector.js";
import { json, stack } from "../support/stack.js";
import { createTenant, type Tenant } from "../support/tenants.js";
import { waitFor } from "../support/wait.js";

// Issue 17, item 4: operator metrics leave the functions and the instances as OTLP and reach the
// stack's collector (Cloud Monitoring's Telemetry API in production). The instance's go through the
// events function's relay, which labels them with the instance its token names.
const { gateway, events, metrics } = stack();

async function points(): Promise<CollectedPoint[]> {
  const response = await fetch(`${metrics}/v1/points`);
  return (await response.json()) as CollectedPoint[];
}

const find = (all: CollectedPoint[], name: string, labels: Record<string, string>) =>
  all.find(
    (p) => p.name === name && Object.entries(labels).every(([key, value]) => p.attributes[key] === value),
  );

describe("operator metrics", () => {
  let tenant: Tenant;
  before(async () => {
    tenant = await createTenant("metrics", ["metrics-a"]);
  });

  it("gateway requests are counted by route template, status and function, with no ids or paths in labels", async () => {
    const headers = { "x-api-key": tenant.accountKey };
    assert.equal((await json("GET", `${gateway}/account/instances`, undefined, headers)).status, 200);
    const missing = await json("GET", `${gateway}/account/instances/metrics-nope`, undefined, headers);
    assert.equal(missing.status, 404);
    assert.equal((await json("GET", `${gateway}/no/such/route`, undefined, headers)).status, 404);
    const all = await waitFor(points, "gateway request points", {
      until: (list) =>
        find(list, METRICS.httpRequests, {
          function: "api",
          route: "/account/instances/:id",
          status: "404",
        }) !== undefined &&
        find(list, METRICS.httpRequests, { function: "api", route: "unmatched" }) !== undefined,
      timeoutMs: 30_000,
    });
    const listed = find(all, METRICS.httpRequests, {
      function: "api",
      route: "/account/instances",
      status: "200",
    });
    assert.ok(listed && listed.value! >= 1, "the 200 of GET /account/instances is counted");
    assert.equal(listed.kind, "sum");
    const timed = find(all, METRICS.httpDuration, {
      function: "api",
      route: "/account/instances",
      status: "200",
    });
    assert.ok(timed && timed.count! >= 1 && timed.sum! > 0, "and timed");
    assert.equal(listed.service, "wsapi-api");
    const labelValues = all.flatMap((p) => Object.values(p.attributes)).join("\n");
    for (const secret of [tenant.accountKey, tenant.user.email, "metrics-nope", "/no/such/route"])
      assert.ok(!labelValues.includes(secret), `no label holds ${secret}`);
  });

  it("an instance's memory, connection and queue reach the collector through the relay, labelled by its token", async () => {
    const all = await waitFor(points, "instance points", {
      until: (list) => find(list, METRICS.memory, { instance_id: "metrics-a" }) !== undefined,
      timeoutMs: 60_000,
    });
    const memory = find(all, METRICS.memory, { instance_id: "metrics-a" })!;
    assert.equal(memory.attributes.account_id, tenant.user.uid);
    assert.equal(memory.service, "wsapi-instance");
    assert.equal(memory.serviceInstance, "metrics-a");
    assert.ok(memory.value! > 10 * 1024 * 1024, `a process uses some memory (${memory.value})`);
    for (const name of [METRICS.connected, METRICS.sendQueueDepth, METRICS.reconnects])
      assert.ok(find(all, name, { instance_id: "metrics-a" }), `${name} is exported`);
    assert.equal(find(all, METRICS.sendQueueDepth, { instance_id: "metrics-a" })!.value, 0);
    const relayed = find(all, METRICS.httpRequests, {
      function: "events",
      route: "/v1/metrics",
      status: "200",
    });
    assert.ok(relayed, "the relay's own requests are counted by the events function");
  });

  it("the relay refuses a request without an instance token", async () => {
    const anonymous = await json("POST", `${events}/v1/metrics`, { resourceMetrics: [] });
    assert.equal(anonymous.status, 401);
  });
});
