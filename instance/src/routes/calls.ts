import { callId, RejectCallRequest } from "@wsapi/contracts/instance-api";
import type { Hono } from "hono";
import type { AppDependencies } from "../app.js";
import { requirePaired } from "../http/errors.js";
import { readJsonBody, readParam } from "../http/validate.js";

export function registerCallRoutes(app: Hono, { transport }: AppDependencies): void {
  app.post("/calls/:callId/reject", requirePaired(transport), async (c) => {
    const id = readParam(callId, c.req.param("callId"), "callId");
    const { callerId } = await readJsonBody(c, RejectCallRequest);
    await transport.rejectCall(id, callerId);
    return c.body(null, 204);
  });
}
