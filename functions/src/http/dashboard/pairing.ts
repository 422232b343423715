import { phoneNumber } from "@wsapi/contracts/instance-api";
import type { Context, Hono } from "hono";
import { ApiError } from "../../core/errors.js";
import { type InstanceDeps, requireInstance } from "../../core/instanceService.js";
import { type ForwardDeps, forwardToInstance } from "../common/instanceForward.js";
import type { DashboardEnv } from "./sessionAuth.js";

// The pairing screens of the dashboard: QR, pair code, status and logout of the owner's own
// instance, forwarded like gateway calls. The `/v1/instances/*` middleware has set the owner.
const SESSION_PATHS: Array<{ method: "GET" | "POST"; path: string; instancePath: (c: Context) => string }> = [
  { method: "GET", path: "/session/status", instancePath: () => "/session/status" },
  { method: "GET", path: "/session/qr", instancePath: () => "/session/qr" },
  { method: "GET", path: "/session/qr/text", instancePath: () => "/session/qr/text" },
  {
    method: "GET",
    path: "/session/pair-code/:phone",
    instancePath: (c) => {
      const phone = phoneNumber.safeParse(c.req.param("phone"));
      if (!phone.success) throw new ApiError("VALIDATION", "phone: must be a phone number (7 to 15 digits)");
      return `/session/pair-code/${encodeURIComponent(phone.data)}`;
    },
  },
  { method: "POST", path: "/session/logout", instancePath: () => "/session/logout" },
];

export function registerPairing(app: Hono<DashboardEnv>, instanceDeps: InstanceDeps, access: ForwardDeps) {
  for (const route of SESSION_PATHS) {
    app.on(route.method, `/v1/instances/:id${route.path}`, async (c) => {
      const instance = await requireInstance(instanceDeps, c.get("owner").accountId, c.req.param("id")!);
      return forwardToInstance(access, instance, {
        method: route.method,
        pathAndQuery: route.instancePath(c),
        requestId: c.get("requestId"),
      });
    });
  }
}
