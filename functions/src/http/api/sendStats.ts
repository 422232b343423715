import type { InstanceRoute } from "@wsapi/contracts/routes";
import type { Instance } from "../../core/instances.js";
import { countSent, type StatsRecorder } from "../../core/stats/record.js";

// Messages out through the API: the instance reports no event for its own sends (WSAPI reports what
// arrives), so the gateway counts each send the instance accepted. Paced sends count when queued.

/** POST /messages/{text,image,…,link}: the route table's sends, answered 201 with the message id. */
export const isMessageSend = (route: Pick<InstanceRoute, "method" | "path" | "success">) =>
  route.method === "POST" && /^\/messages\/[a-z]+$/.test(route.path) && route.success === 201;

export async function countApiSend(
  recorder: StatsRecorder | undefined,
  instance: Instance,
  route: InstanceRoute,
  response: Response,
  requestId: string,
) {
  // An Idempotency-Key replay sent nothing.
  if (!isMessageSend(route) || response.status !== 201) return;
  if (response.headers.get("idempotent-replayed") === "true") return;
  await countSent(recorder, instance, requestId);
}
