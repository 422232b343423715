import { callId } from "@wsapi/contracts/instance-api";
import type { AppDependencies } from "../app.js";
import type { OperationHandlers } from "../http/operations.js";
import { readParam } from "../http/validate.js";

export function callHandlers({ transport }: AppDependencies) {
  return {
    rejectCall: async (c, { callerId }) => {
      await transport.rejectCall(readParam(callId, c.req.param("callId"), "callId"), callerId);
      return c.body(null, 204);
    },
  } satisfies Partial<OperationHandlers>;
}
