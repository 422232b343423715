import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { IMPLEMENTED_ROUTES } from "@wsapi/contracts/routes";
import { json, stack } from "../support/stack.js";
import { createTenant, type Tenant } from "../support/tenants.js";

// Three tenants with two instances each: every key of one tenant against every instance id of the
// others, on every route, is refused exactly like an id that does not exist.
const { gateway } = stack();
const SAMPLE = "3EB0C767D26A1D4C1B11";

function problemShape(body: Record<string, unknown>) {
  const { requestId: _ignored, ...rest } = body;
  return rest;
}

async function inBatches<T>(items: T[], size: number, work: (item: T) => Promise<void>) {
  for (let i = 0; i < items.length; i += size) await Promise.all(items.slice(i, i + size).map(work));
}

describe("tenant isolation matrix", () => {
  let tenants: Tenant[];

  before(async () => {
    tenants = await Promise.all(
      ["iso-a", "iso-b", "iso-c"].map((label, n) => createTenant(label, [`t${n}-one`, `t${n}-two`])),
    );
  });

  it("refuses every cross-tenant key and instance combination on every route", async () => {
    const cases: Array<{ key: string; instanceId: string; route: (typeof IMPLEMENTED_ROUTES)[number] }> = [];
    tenants.forEach((owner, ownerIndex) => {
      const keys = [owner.accountKey, ...owner.instances.map((instance) => instance.apiKey)];
      tenants.forEach((other, otherIndex) => {
        if (otherIndex === ownerIndex) return;
        for (const key of keys) {
          for (const instance of other.instances) {
            for (const route of IMPLEMENTED_ROUTES) cases.push({ key, instanceId: instance.id, route });
          }
        }
      });
    });
    const missing = await json("GET", `${gateway}/session/status`, undefined, {
      "x-api-key": tenants[0]!.accountKey,
      "x-instance-id": "no-such-instance",
    });
    assert.equal(missing.status, 404);
    await inBatches(cases, 8, async ({ key, instanceId, route }) => {
      const path = route.path.replace(/:\w+/g, SAMPLE);
      const response = await json(route.method, `${gateway}${path}`, undefined, {
        "x-api-key": key,
        "x-instance-id": instanceId,
      });
      assert.equal(response.status, 404, `${route.method} ${path} with a foreign key reached ${instanceId}`);
      assert.deepEqual(problemShape(response.body), problemShape(missing.body));
    });
    assert.equal(cases.length, 3 * 3 * 2 * 2 * IMPLEMENTED_ROUTES.length);
  });

  it("every key still reaches its own instances", async () => {
    for (const tenant of tenants) {
      for (const [index, instance] of tenant.instances.entries()) {
        for (const key of [tenant.accountKey, instance.apiKey]) {
          const response = await json("GET", `${gateway}/session/status`, undefined, {
            "x-api-key": key,
            "x-instance-id": instance.id,
          });
          assert.equal(response.status, 200, `tenant key ${index} on ${instance.id}`);
        }
      }
    }
  });
});
