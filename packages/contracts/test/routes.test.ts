// The route table: every operation once, literal segments before parameters, and entries whose
// fields agree with each other (the gateway, the instance and /openapi.json all trust them).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { MEDIA_BODY_MAX_BYTES, SMALL_BODY_MAX_BYTES } from "../src/instance-api.js";
import { IMPLEMENTED_ROUTES, INSTANCE_ROUTES, type InstanceRoute } from "../src/routes.js";

const segments = (route: InstanceRoute) => route.path.split("/");
const isParam = (segment: string) => segment.startsWith(":");
/** Some URL matches both patterns. */
const overlap = (a: InstanceRoute, b: InstanceRoute) =>
  a.method === b.method &&
  segments(a).length === segments(b).length &&
  segments(a).every(
    (segment, i) => segment === segments(b)[i] || isParam(segment) || isParam(segments(b)[i]!),
  );

describe("route table", () => {
  it("lists every operation once, by method and path and by operation id", () => {
    const keys = INSTANCE_ROUTES.map((route) => `${route.method} ${route.path}`);
    assert.equal(new Set(keys).size, keys.length);
    assert.equal(new Set(INSTANCE_ROUTES.map((route) => route.operationId)).size, keys.length);
    assert.equal(INSTANCE_ROUTES.filter((route) => !route.extension).length, 101, "WSAPI's operations");
    assert.deepEqual(
      INSTANCE_ROUTES.filter((route) => route.extension).map((route) => `${route.method} ${route.path}`),
      [
        "GET /events/stream",
        "GET /messages/queue",
        "DELETE /messages/queue",
        "GET /messages/:messageId/timeline",
      ],
      "our extensions",
    );
    assert.deepEqual(
      INSTANCE_ROUTES.filter((route) => route.state === "gateway").map((route) => route.operationId),
      ["streamEvents", "getMessageTimeline"],
      "served by the gateway",
    );
    assert.equal(IMPLEMENTED_ROUTES.length, 103);
  });

  it("orders literal segments before parameters wherever two paths can match the same URL", () => {
    INSTANCE_ROUTES.forEach((earlier, i) => {
      for (const later of INSTANCE_ROUTES.slice(i + 1)) {
        if (!overlap(earlier, later)) continue;
        const at = segments(earlier).findIndex((segment, n) => segment !== segments(later)[n]);
        assert.ok(!isParam(segments(earlier)[at]!), `${earlier.path} is registered before ${later.path}`);
      }
    });
    const index = (path: string) => INSTANCE_ROUTES.findIndex((route) => route.path === path);
    assert.ok(index("/contacts/blocklist") < index("/contacts/:contactId"));
    assert.ok(index("/users/me/profile") < index("/users/:phone/profile"));
    assert.ok(index("/messages/queue") < index("/messages/:messageId/reaction"));
  });

  it("keeps each entry's fields consistent", () => {
    for (const route of INSTANCE_ROUTES) {
      const label = route.operationId;
      if (route.paired) assert.ok(route.errors.includes(409), `${label}: paired routes answer 409`);
      assert.ok(!(route.method === "GET" && route.request), `${label}: GET takes no body`);
      const media = /^\/(messages\/(image|video|audio|voice|document|sticker)|status\/(image|video))$/.test(
        route.path,
      );
      assert.equal(route.maxBytes, media ? MEDIA_BODY_MAX_BYTES : SMALL_BODY_MAX_BYTES, label);
      if (route.state === "implemented") assert.equal(route.success === 204, !route.response, label);
    }
  });
});
