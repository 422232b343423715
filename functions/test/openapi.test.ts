import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Hono } from "hono";
import { INSTANCE_PATHS } from "../src/http/api/instancePaths.js";
import { buildOpenApi } from "../src/http/api/openapi.js";
import { registerReference } from "../src/http/api/reference/routes.js";

type Spec = ReturnType<typeof buildOpenApi>;
type Op = {
  operationId: string;
  requestBody?: { content: { "application/json": { schema: { required?: string[] } } } };
};

describe("OpenAPI document", () => {
  const spec: Spec = buildOpenApi(".");
  const operations = Object.entries(spec.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, op]) => ({ path, method, op: op as unknown as Op })),
  );

  it("describes every route the gateway serves, with unique operation ids", () => {
    assert.equal(spec.openapi, "3.1.0");
    for (const route of INSTANCE_PATHS) {
      const path = route.path.replace(/:(\w+)/g, "{$1}");
      assert.ok(spec.paths[path]?.[route.method.toLowerCase()], `${route.method} ${path} missing`);
    }
    const ids = operations.map(({ op }) => op.operationId);
    assert.equal(new Set(ids).size, ids.length);
  });

  it("derives request bodies from the validation schemas", () => {
    const text = spec.paths["/messages/text"]?.post as unknown as Op;
    assert.deepEqual(text.requestBody?.content["application/json"].schema.required?.sort(), ["text", "to"]);
    const withBodies = INSTANCE_PATHS.filter((route) => route.body).length;
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
