import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { asUser, json, signUpAndSignIn, stack } from "../support/stack.js";
import { accountKeyOf, createTenant, setPlan, type Tenant, waitRunning } from "../support/tenants.js";
import { waitFor } from "../support/wait.js";

const { gateway, dashboard } = stack();

describe("instance lifecycle through the account API", () => {
  let tenant: Tenant;
  const key = () => ({ "x-api-key": tenant.accountKey });

  before(async () => {
    tenant = await createTenant("lifecycle", ["sales.team-1"]);
  });

  it("lists, reads, renames and configures an instance", async () => {
    const list = await json("GET", `${gateway}/account/instances`, undefined, key());
    assert.equal(list.status, 200);
    assert.equal(list.body.totalCount, 1);
    assert.equal(list.body.pageNumber, 1);
    assert.equal(list.body.pageSize, 20);
    const [item] = list.body.items as Array<Record<string, unknown>>;
    assert.equal(item!.id, "sales.team-1");
    assert.equal(item!.status, "unpaired");

    assert.equal(
      (await json("PUT", `${gateway}/account/instances/sales.team-1/name`, { name: "Sales" }, key())).status,
      204,
    );
    const settings = {
      webhookUrl: "https://hooks.example.com/wsapi",
      eventFilters: ["message"],
      eventSigningSecret: "s".repeat(32),
    };
    assert.equal(
      (await json("PUT", `${gateway}/account/instances/sales.team-1/settings`, settings, key())).status,
      204,
    );
    const detail = await json("GET", `${gateway}/account/instances/sales.team-1`, undefined, key());
    assert.equal(detail.body.name, "Sales");
    const shown = detail.body.settings as Record<string, unknown>;
    assert.equal(shown.webhookUrl, "https://hooks.example.com/wsapi");
    assert.deepEqual(shown.eventFilters, ["message"]);
    assert.equal(shown.hasEventSigningSecret, true);
    assert.ok(!JSON.stringify(detail.body).includes("s".repeat(32)), "the signing secret is never echoed");
  });

  it("refuses invalid ids, names, settings and paging with problem+json", async () => {
    const cases: Array<[string, string, unknown, number]> = [
      ["POST", "/account/instances", { id: "../etc" }, 400],
      ["POST", "/account/instances", { id: "-starts-with-dash" }, 400],
      ["POST", "/account/instances", { id: "x".repeat(65) }, 400],
      ["POST", "/account/instances", { unknown: true }, 400],
      ["PUT", "/account/instances/sales.team-1/name", { name: "" }, 400],
      ["PUT", "/account/instances/sales.team-1/settings", { webhookUrl: "ftp://x" }, 400],
      ["PUT", "/account/instances/sales.team-1/settings", { eventFilters: ["not_an_event"] }, 400],
      ["GET", "/account/instances?pageSize=1000", undefined, 400],
      ["GET", "/account/instances/does-not-exist", undefined, 404],
      ["PUT", "/account/instances/does-not-exist/name", { name: "x" }, 404],
      // An id no instance can have (here not even a document path) is simply not found.
      ["GET", "/account/instances/..%2F..%2Fetc%2Fpasswd", undefined, 404],
      ["DELETE", "/account/instances/a%2Fb", undefined, 404],
      ["PUT", "/account/instances/a%2Fb/restart", undefined, 404],
      ["PUT", `/account/instances/${"x".repeat(200)}/name`, { name: "x" }, 404],
    ];
    for (const [method, path, body, status] of cases) {
      const response = await json(method, `${gateway}${path}`, body, key());
      assert.equal(response.status, status, `${method} ${path}`);
      assert.equal(response.body.status, status);
      assert.match(response.headers.get("content-type") ?? "", /problem\+json/);
    }
  });

  it("keeps account defaults and refuses an instance key on account routes", async () => {
    const defaults = {
      defaultWebhookUrl: "https://hooks.example.com/default",
      defaultEventFilters: ["message", "group"],
    };
    assert.equal((await json("PUT", `${gateway}/account/instances/defaults`, defaults, key())).status, 204);
    const read = await json("GET", `${gateway}/account/instances/defaults`, undefined, key());
    assert.equal(read.body.defaultWebhookUrl, "https://hooks.example.com/default");
    assert.deepEqual(read.body.defaultEventFilters, ["message", "group"]);
    const withInstanceKey = await json("GET", `${gateway}/account/instances`, undefined, {
      "x-api-key": tenant.instances[0]!.apiKey,
    });
    assert.equal(withInstanceKey.status, 403);
  });

  it("rotates the instance key: the new key works at once, the old one is refused", async () => {
    const instance = tenant.instances[0]!;
    const call = (apiKey: string) =>
      json("GET", `${gateway}/session/status`, undefined, {
        "x-api-key": apiKey,
        "x-instance-id": instance.id,
      });
    assert.equal((await call(instance.apiKey)).status, 200);
    const rotated = await json("PUT", `${gateway}/account/instances/${instance.id}/apikey`, undefined, key());
    assert.equal(rotated.status, 200);
    assert.equal(typeof rotated.body, "string");
    const newKey = rotated.body as unknown as string;
    assert.equal((await call(newKey)).status, 200);
    // Refused at once on the server that rotated, within the documented 5 s bound on any other.
    const old = await waitFor(() => call(instance.apiKey), "old", {
      until: (r) => r.status === 401,
      timeoutMs: 6_000,
    });
    assert.equal(old.status, 401);
    instance.apiKey = newKey;
  });

  it("restarts and deletes; a deleted instance and its key are gone", async () => {
    const created = await json("POST", `${gateway}/account/instances`, { name: "temp" }, key());
    assert.equal(created.status, 201);
    const id = String(created.body.id);
    assert.match(id, /^[0-9a-f]{18}$/);
    await waitRunning(tenant.accountKey, id);
    assert.equal(
      (await json("PUT", `${gateway}/account/instances/${id}/restart`, undefined, key())).status,
      204,
    );
    assert.equal((await json("DELETE", `${gateway}/account/instances/${id}`, undefined, key())).status, 204);
    assert.equal((await json("GET", `${gateway}/account/instances/${id}`, undefined, key())).status, 404);
    assert.equal((await json("DELETE", `${gateway}/account/instances/${id}`, undefined, key())).status, 404);
    const byOldKey = await json("GET", `${gateway}/session/status`, undefined, {
      "x-api-key": String(created.body.apiKey),
      "x-instance-id": id,
    });
    assert.ok([401, 404].includes(byOldKey.status), `deleted instance answered ${byOldKey.status}`);
  });
});

describe("plan limits", () => {
  it("N parallel creates at limit L leave exactly L instances", async () => {
    const user = await signUpAndSignIn("limits");
    await setPlan(user.uid, { id: "limit-3", instanceLimit: 3, requestsPerMinute: 1000 });
    const accountKey = await accountKeyOf(user);
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        json("POST", `${gateway}/account/instances`, { id: `burst-${i}` }, { "x-api-key": accountKey }),
      ),
    );
    const statuses = results.map((r) => r.status).sort();
    assert.deepEqual(statuses, [201, 201, 201, 409, 409, 409, 409, 409]);
    const list = await json("GET", `${gateway}/account/instances`, undefined, { "x-api-key": accountKey });
    assert.equal(list.body.totalCount, 3);
    const account = await json("GET", `${dashboard}/v1/account`, undefined, asUser(user, false));
    assert.equal((account.body.plan as { instanceLimit: number }).instanceLimit, 3);
  });
});

describe("rate limits", () => {
  it("answer 429 with Retry-After and RateLimit headers past the plan's requests per minute", async () => {
    const user = await signUpAndSignIn("rate");
    await setPlan(user.uid, { id: "rate-5", instanceLimit: 1, requestsPerMinute: 5 });
    const accountKey = await accountKeyOf(user);
    const responses = [];
    for (let i = 0; i < 7; i++) {
      responses.push(
        await json("GET", `${gateway}/account/instances`, undefined, { "x-api-key": accountKey }),
      );
    }
    assert.deepEqual(
      responses.map((r) => r.status),
      [200, 200, 200, 200, 200, 429, 429],
    );
    assert.equal(responses[0]!.headers.get("ratelimit-limit"), "5");
    assert.equal(responses[0]!.headers.get("ratelimit-remaining"), "4");
    const limited = responses[5]!;
    assert.ok(Number(limited.headers.get("retry-after")) >= 1);
    assert.equal(limited.headers.get("ratelimit-remaining"), "0");
    assert.equal(limited.body.status, 429);
  });
});

describe("dashboard instance routes", () => {
  it("work with the cookie and need CSRF for changes", async () => {
    const user = await signUpAndSignIn("dash-instances");
    const noCsrf = await json("POST", `${dashboard}/v1/instances`, { id: "web-1" }, asUser(user, false));
    assert.equal(noCsrf.status, 403);
    const created = await json("POST", `${dashboard}/v1/instances`, { id: "web-1" }, asUser(user));
    assert.equal(created.status, 201);
    const list = await json("GET", `${dashboard}/v1/instances`, undefined, asUser(user, false));
    assert.equal(list.body.totalCount, 1);
    const revealed = await json(
      "POST",
      `${dashboard}/v1/instances/web-1/apikey/reveal`,
      undefined,
      asUser(user),
    );
    assert.equal(revealed.body.apiKey, created.body.apiKey);
    assert.equal(
      (await json("DELETE", `${dashboard}/v1/instances/web-1`, undefined, asUser(user))).status,
      204,
    );
  });
});
