import { z } from "zod";
import type { InstanceRuntime, RuntimeStatus } from "../core/ports/runtime.js";
import { deployment, serviceAccountEmail } from "../deployment.js";

// The local runtime adapter: drives the stack's supervisor, which runs one process per instance
// behind a front door that checks ID tokens the way Cloud Run's IAM invoker check does. Like the
// Cloud Run adapter, it names the invokers on every ensure: deployment.json's instanceInvokers.
const statusSchema = z.object({
  state: z.enum(["starting", "running", "crashed", "stopped", "missing"]),
  url: z.string().optional(),
  detail: z.string().optional(),
});

export function localRuntime(supervisorUrl: string, projectId: string): InstanceRuntime {
  const invokers = deployment.instanceInvokers.map((who) => serviceAccountEmail(who, projectId));
  async function call(method: string, path: string, body?: unknown): Promise<unknown> {
    const response = await fetch(`${supervisorUrl}/v1/runtimes${path}`, {
      method,
      ...(body === undefined
        ? {}
        : { headers: { "content-type": "application/json" }, body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(30_000),
    });
    if (!response.ok) throw new Error(`local runtime ${method} ${path} answered ${response.status}`);
    return response.status === 204 ? undefined : response.json();
  }
  const status = (value: unknown): RuntimeStatus => statusSchema.parse(value);

  return {
    ensure: async (spec) =>
      status(
        await call("PUT", `/${spec.instanceId}`, {
          env: spec.env,
          instanceSecret: spec.instanceSecret,
          invokers,
        }),
      ),
    restart: async (instanceId) => {
      await call("POST", `/${instanceId}/restart`);
    },
    remove: async (instanceId) => {
      await call("DELETE", `/${instanceId}`);
    },
    status: async (instanceId) => status(await call("GET", `/${instanceId}`)),
    list: async () => z.object({ runtimes: z.array(z.string()) }).parse(await call("GET", "")).runtimes,
  };
}
