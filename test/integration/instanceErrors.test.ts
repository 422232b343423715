// One API, one dialect: an error the instance answers reaches the caller through the gateway as the
// platform's problem, with a code of the one vocabulary and the gateway's request id.
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { Problem } from "@wsapi/contracts/problems";
import { json, stack } from "../support/stack.js";
import { createTenant, type Tenant } from "../support/tenants.js";

const { gateway } = stack();

describe("errors through the gateway", () => {
  let tenant: Tenant;
  before(async () => {
    tenant = await createTenant("errors", ["errors-1"]);
  });

  const call = (method: string, path: string) =>
    json(method, `${gateway}${path}`, undefined, {
      "x-api-key": tenant.accountKey,
      "x-instance-id": "errors-1",
    });

  for (const [method, path, status, code] of [
    ["GET", "/chats", 409, "NOT_PAIRED"],
    ["PUT", "/chats/15551234567@s.whatsapp.net/presence/subscribe", 409, "NOT_PAIRED"],
    ["GET", "/session/pair-code/12ab", 400, "VALIDATION"],
  ] as const) {
    it(`${method} ${path} on an unpaired instance: ${status} ${code} with the request id`, async () => {
      const response = await call(method, path);
      assert.equal(response.status, status);
      assert.match(response.headers.get("content-type") ?? "", /^application\/problem\+json/);
      const problem = Problem.parse(response.body);
      assert.equal(problem.code, code);
      assert.equal(problem.status, status);
      assert.match(problem.requestId ?? "", /^req_[0-9a-f]{32}$/);
      assert.equal(problem.requestId, response.headers.get("x-request-id"));
    });
  }
});
