import { type Answer, withIdempotency } from "../../core/idempotency.js";
import type { Instance } from "../../core/instances.js";
import { forwardToInstance } from "../common/instanceForward.js";
import type { ApiDeps } from "./deps.js";

type ForwardRequest = Parameters<typeof forwardToInstance>[2];

/** Forwards a mutating call once per Idempotency-Key; a repeat gets the first answer back. */
export async function idempotentForward(
  deps: ApiDeps,
  instance: Instance,
  request: ForwardRequest,
  key: string,
): Promise<Response> {
  const answer = await withIdempotency(
    deps.idempotency,
    { runtimeId: instance.runtimeId, key, ...request },
    async (): Promise<Answer> => {
      const response = await forwardToInstance(deps, instance, request);
      const contentType = response.headers.get("content-type");
      return {
        status: response.status,
        ...(contentType ? { contentType } : {}),
        body: new Uint8Array(await response.arrayBuffer()),
      };
    },
  );
  const headers: Record<string, string> = {};
  if (answer.contentType) headers["content-type"] = answer.contentType;
  if (answer.replayed) headers["idempotent-replayed"] = "true";
  return new Response(answer.status === 204 ? null : answer.body, { status: answer.status, headers });
}
