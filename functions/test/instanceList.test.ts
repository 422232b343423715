// GET /account/instances with WSAPI's list query (createdFrom, createdTo, status), and the account
// views answered as the schemas /openapi.json declares for them.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { defaultsView, type InstanceDeps, listInstances } from "../src/core/instanceService.js";
import {
  AccountInstanceDefaults,
  AccountInstanceDetail,
  EMPTY_DEFAULTS,
  type Instance,
  instanceDetail,
  instanceListQuery,
  PagedAccountInstances,
} from "../src/core/instances.js";

const NOW = Date.UTC(2026, 0, 31, 12);

function instanceAt(n: number, loggedIn: boolean): Instance {
  return {
    instanceId: `i${String(n).padStart(3, "0")}`,
    accountId: "u1",
    runtimeId: `wi${n}`,
    name: `instance ${n}`,
    createdAt: NOW + n * 1000,
    settings: {
      useCustomDefaults: false,
      pullMode: false,
      webhookUrl: null,
      historySync: false,
      eventFilters: null,
      webhookAuthHeader: null,
      hasSigningSecret: true,
      hasWebhookAuthValue: false,
    },
    apiKey: { prefix: "wsk_abc", createdAt: NOW },
    runtime: { state: "running", updatedAt: NOW },
    device: {
      isConnected: loggedIn,
      isLoggedIn: loggedIn,
      deviceId: loggedIn ? "15550001111:3@s.whatsapp.net" : null,
    },
  };
}

/** 250 instances, every third one paired, listed by a store that pages as the Firestore one does. */
function depsWith(instances: Instance[]) {
  const reads: number[] = [];
  const deps = {
    instances: {
      list: async (
        _accountId: string,
        { pageNumber, pageSize }: { pageNumber: number; pageSize: number },
      ) => {
        reads.push(pageSize);
        return {
          items: instances.slice((pageNumber - 1) * pageSize, pageNumber * pageSize),
          totalCount: instances.length,
        };
      },
    },
  } as unknown as InstanceDeps;
  return { deps, reads };
}

const query = (q: Record<string, string>) => instanceListQuery.parse(q);

describe("account instance list", () => {
  const instances = Array.from({ length: 250 }, (_, n) => instanceAt(n, n % 3 === 0));

  it("pages without a filter through one store read", async () => {
    const { deps, reads } = depsWith(instances);
    const page = PagedAccountInstances.parse(
      await listInstances(deps, "u1", query({ pageNumber: "2", pageSize: "10" })),
    );
    assert.deepEqual(
      [page.totalCount, page.pageNumber, page.pageSize, page.items[0]?.id],
      [250, 2, 10, "i010"],
    );
    assert.deepEqual(reads, [10]);
  });

  it("filters by status and creation window across every stored page, then pages the matches", async () => {
    const { deps, reads } = depsWith(instances);
    const connected = await listInstances(
      deps,
      "u1",
      query({ status: "connected", pageSize: "50", pageNumber: "2" }),
    );
    assert.deepEqual(
      PagedAccountInstances.parse(connected),
      connected,
      "no filter field leaks into the answer",
    );
    assert.equal(connected.totalCount, 84);
    assert.deepEqual([connected.items.length, connected.items[0]?.id], [34, "i150"]);
    assert.deepEqual(reads, [100, 100, 100]);
    const from = new Date(NOW + 10_000).toISOString();
    const to = new Date(NOW + 12_000).toISOString();
    const window = await listInstances(deps, "u1", query({ createdFrom: from, createdTo: to }));
    assert.deepEqual(
      window.items.map((i) => i.id),
      ["i010", "i011", "i012"],
    );
    const none = await listInstances(deps, "u1", query({ status: "crashed" }));
    assert.deepEqual([none.totalCount, none.items], [0, []]);
  });

  it("refuses a creation bound that is not an RFC 3339 date-time", () => {
    assert.equal(instanceListQuery.safeParse({ createdFrom: "yesterday" }).success, false);
    assert.equal(instanceListQuery.safeParse({ createdTo: "2026-01-31T12:00:00+01:00" }).success, true);
  });

  it("answers an instance's detail and the account's defaults as their declared schemas say", () => {
    const detail = instanceDetail(instances[0]!);
    assert.deepEqual(AccountInstanceDetail.parse(detail), detail);
    assert.equal(detail.settings.hasEventSigningSecret, true);
    assert.equal("eventSigningSecret" in detail.settings, false, "secrets are never answered");
    const defaults = defaultsView(EMPTY_DEFAULTS);
    assert.deepEqual(AccountInstanceDefaults.parse(defaults), defaults);
  });
});
