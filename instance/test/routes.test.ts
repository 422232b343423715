// The instance serves exactly the route table's implemented operations, registered in the table's
// order (literal segments before parameters); the gateway's own operations are not registered here.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { IMPLEMENTED_ROUTES } from "@wsapi/contracts/routes";
import { appWithFakeTransport } from "./support/app.js";
import { generateGatewayKeys } from "./support/keys.js";

describe("instance routes", () => {
  it("registers one route per implemented operation of the table, in the table's order", async () => {
    const { app } = await appWithFakeTransport(await generateGatewayKeys());
    const registered = app.routes
      .filter((route) => route.method !== "ALL" && route.path !== "/healthz")
      .map((route) => `${route.method} ${route.path}`);
    const inOrder = [...new Set(registered)];
    assert.deepEqual(
      inOrder,
      IMPLEMENTED_ROUTES.map((route) => `${route.method} ${route.path}`),
    );
  });
});
