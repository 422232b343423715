import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { INSTANCE_ROUTES } from "@wsapi/contracts/routes";
import { Hono } from "hono";
import { ACCOUNT_ROUTES } from "../src/http/api/accountRoutes.js";
import { createApiApp } from "../src/http/api/app.js";
import { buildOpenApi } from "../src/http/api/openapi.js";
import { registerReference } from "../src/http/api/reference/routes.js";

type Spec = ReturnType<typeof buildOpenApi>;
type Op = {
  operationId: string;
  requestBody?: { content: { "application/json": { schema: { required?: string[] } } } };
  responses: Record<string, unknown>;
  "x-wsapi-extension"?: boolean;
};

describe("OpenAPI document", () => {
  const spec: Spec = buildOpenApi(".");
  const operations = Object.entries(spec.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, op]) => ({ path, method, op: op as unknown as Op })),
  );

  it("describes every operation of the route table under its id, extensions marked", () => {
    assert.equal(spec.openapi, "3.1.0");
    for (const route of INSTANCE_ROUTES) {
      const path = route.path.replace(/:(\w+)/g, "{$1}");
      const op = spec.paths[path]?.[route.method.toLowerCase()] as unknown as Op | undefined;
      assert.equal(op?.operationId, route.operationId, `${route.method} ${path}`);
      assert.ok(op.responses[route.success], `${route.operationId}: success status`);
      assert.equal(op["x-wsapi-extension"] === true, route.extension, route.operationId);
    }
    const ids = operations.map(({ op }) => op.operationId);
    assert.equal(new Set(ids).size, ids.length);
  });

  it("describes every account operation of the account route table under WSAPI's id", () => {
    for (const route of ACCOUNT_ROUTES) {
      const path = route.path.replace(/:(\w+)/g, "{$1}");
      const op = spec.paths[path]?.[route.method.toLowerCase()] as unknown as Op | undefined;
      assert.equal(op?.operationId, route.operationId, `${route.method} ${path}`);
      assert.ok(op.responses[route.success], `${route.operationId}: success status`);
      assert.equal(op["x-wsapi-extension"] === true, route.extension === true, route.operationId);
      for (const status of [401, 403, 429, ...route.errors])
        assert.ok(op.responses[status], `${route.operationId} ${status}`);
    }
    const changes = spec.paths["/account/subscriptions/{id}/changes"]?.get as unknown as {
      parameters: Array<{ name: string; in: string }>;
      responses: {
        200: {
          content: {
            "application/json": { schema: { properties: { items: { items: { properties: object } } } } };
          };
        };
      };
    };
    assert.deepEqual(
      changes.parameters.map((p) => `${p.in}:${p.name}`),
      [
        "path:id",
        ...["pageNumber", "pageSize", "timestampFrom", "timestampTo", "changeType", "instanceId"].map(
          (n) => `query:${n}`,
        ),
      ],
    );
    const item = changes.responses[200].content["application/json"].schema.properties.items.items;
    assert.deepEqual(Object.keys(item.properties).sort(), [
      "changeType",
      "id",
      "instanceId",
      "newQuantity",
      "notes",
      "previousQuantity",
      "proratedAmount",
      "subscriptionId",
      "timestamp",
    ]);
    const create = spec.paths["/account/subscriptions/{id}/instances"]?.post as unknown as Op;
    assert.equal(create.operationId, "createAccountSubscriptionInstance");
    assert.ok(create.responses["200"] && create.responses["409"]);
  });

  it("lists exactly the account routes the gateway registers", () => {
    const registered = createApiApp({} as never)
      .routes.filter((r) => r.method !== "ALL" && r.path.startsWith("/account/") && !r.path.includes("*"))
      .map((r) => `${r.method} ${r.path}`);
    assert.deepEqual(
      [...new Set(registered)].sort(),
      ACCOUNT_ROUTES.map((r) => `${r.method} ${r.path}`).sort(),
    );
  });

  it("marks our extensions and documents the pacing settings", () => {
    const queue = spec.paths["/messages/queue"] as unknown as Record<string, Op>;
    assert.deepEqual(Object.keys(queue).sort(), ["delete", "get"]);
    for (const op of Object.values(queue)) assert.equal(op["x-wsapi-extension"], true);
    assert.equal((spec.paths["/events/stream"]!.get as unknown as Op)["x-wsapi-extension"], true);
    const settings = spec.paths["/account/instances/{id}/settings"]?.put as unknown as {
      requestBody: { content: { "application/json": { schema: { properties: Record<string, unknown> } } } };
    };
    assert.ok(settings.requestBody.content["application/json"].schema.properties.pacing);
  });

  it("derives request bodies from the validation schemas", () => {
    const text = spec.paths["/messages/text"]?.post as unknown as Op;
    assert.deepEqual(text.requestBody?.content["application/json"].schema.required?.sort(), ["text", "to"]);
    const withBodies = INSTANCE_ROUTES.filter((route) => route.request).length;
    const documented = operations.filter(
      ({ path, op }) => op.requestBody && !path.startsWith("/account"),
    ).length;
    assert.equal(documented, withBodies);
  });

  it("is served with the reference page, its script and no inline code", async () => {
    const app = new Hono();
    registerReference(app);
    const json = await app.request("/openapi.json");
    assert.equal(json.status, 200);
    assert.equal(((await json.json()) as Spec).openapi, "3.1.0");
    const page = await (await app.request("/reference")).text();
    assert.match(page, /<script src="reference.js"><\/script>/);
    assert.doesNotMatch(page, /<script>/);
    const script = await app.request("/reference.js");
    assert.match(script.headers.get("content-type") ?? "", /javascript/);
    assert.match(script.headers.get("content-security-policy") ?? "", /script-src 'self'/);
  });
});
