import { addLogContext } from "@wsapi/contracts/log-context";
import type { Context, Env, Hono, MiddlewareHandler } from "hono";
import { ApiError } from "../../core/errors.js";
import {
  createInstance,
  defaultsView,
  deleteInstance,
  type InstanceDeps,
  listInstances,
  renameInstance,
  requireInstance,
  restartInstance,
  revealInstanceKey,
  rotateInstanceKey,
  updateInstanceDefaults,
  updateInstanceSettings,
} from "../../core/instanceService.js";
import {
  createInstanceRequest,
  instanceDefaultsRequest,
  instanceDetail,
  instanceIdSchema,
  instanceListQuery,
  instanceNameRequest,
  instanceSettingsRequest,
  instanceSummary,
} from "../../core/instances.js";
import type { Plan } from "../../core/ports/accounts.js";
import { instanceStats, statsQuery } from "../../core/stats/view.js";
import { describeIssues, parseJsonBody } from "../common/body.js";

// Instance lifecycle routes, registered twice: on the account API (`/account/instances`, account key)
// and on the dashboard API (`/v1/instances`, cookie + CSRF). The caller's middleware sets `owner`.
export interface Owner {
  accountId: string;
  plan: Plan;
}

declare module "hono" {
  interface ContextVariableMap {
    owner: Owner;
  }
}

const owner = (c: Context) => c.get("owner");

export function registerInstanceRoutes<E extends Env>(
  app: Hono<E>,
  base: string,
  authenticate: MiddlewareHandler<E>,
  deps: () => Promise<InstanceDeps>,
  options: { revealRoute?: boolean } = {},
) {
  // In Hono `${base}/*` also matches `base` itself, so one registration covers both.
  app.use(`${base}/*`, authenticate);
  // An id no instance can have ("a/b" decoded from a%2Fb, 200 characters) is not found, before any
  // store sees it. Covers every route under `${base}/:id`, the dashboard's pairing and deliveries too.
  app.use(`${base}/:id/*`, async (c, next) => {
    if (!instanceIdSchema.safeParse(c.req.param("id")).success) {
      throw new ApiError("NOT_FOUND", "No such instance.");
    }
    addLogContext({ instanceId: c.req.param("id") });
    await next();
  });

  app.get(base, async (c) => {
    const query = instanceListQuery.safeParse(c.req.query());
    if (!query.success) throw new ApiError("VALIDATION", describeIssues(query.error));
    return c.json(await listInstances(await deps(), owner(c).accountId, query.data));
  });

  app.post(base, async (c) => {
    const request = await parseJsonBody(c, createInstanceRequest);
    const { instance, apiKey } = await createInstance(
      await deps(),
      owner(c).accountId,
      owner(c).plan,
      request,
    );
    return c.json({ ...instanceSummary(instance), apiKey }, 201);
  });

  app.get(`${base}/defaults`, async (c) =>
    c.json(defaultsView(await (await deps()).instances.getDefaults(owner(c).accountId))),
  );

  app.put(`${base}/defaults`, async (c) => {
    await updateInstanceDefaults(
      await deps(),
      owner(c).accountId,
      await parseJsonBody(c, instanceDefaultsRequest),
    );
    return c.body(null, 204);
  });

  app.get(`${base}/:id`, async (c) =>
    c.json(instanceDetail(await requireInstance(await deps(), owner(c).accountId, c.req.param("id")))),
  );

  app.put(`${base}/:id/name`, async (c) => {
    const { name } = await parseJsonBody(c, instanceNameRequest);
    await renameInstance(await deps(), owner(c).accountId, c.req.param("id"), name);
    return c.body(null, 204);
  });

  app.put(`${base}/:id/settings`, async (c) => {
    const request = await parseJsonBody(c, instanceSettingsRequest);
    await updateInstanceSettings(await deps(), owner(c).accountId, c.req.param("id"), request);
    return c.body(null, 204);
  });

  // WSAPI answers the new key as a plain JSON string.
  app.put(`${base}/:id/apikey`, async (c) =>
    c.json(await rotateInstanceKey(await deps(), owner(c).accountId, c.req.param("id"))),
  );

  // Our extension: the instance's hourly numbers (core/stats/).
  app.get(`${base}/:id/stats`, async (c) => {
    const query = statsQuery.safeParse(c.req.query());
    if (!query.success) throw new ApiError("VALIDATION", describeIssues(query.error));
    const instanceDeps = await deps();
    const instance = await requireInstance(instanceDeps, owner(c).accountId, c.req.param("id"));
    return c.json(await instanceStats(instanceDeps, instance, query.data.range));
  });

  app.put(`${base}/:id/restart`, async (c) => {
    await restartInstance(await deps(), owner(c).accountId, c.req.param("id"));
    return c.body(null, 204);
  });

  app.delete(`${base}/:id`, async (c) => {
    await deleteInstance(await deps(), owner(c).accountId, c.req.param("id"));
    return c.body(null, 204);
  });

  if (options.revealRoute) {
    app.post(`${base}/:id/apikey/reveal`, async (c) =>
      c.json({ apiKey: await revealInstanceKey(await deps(), owner(c).accountId, c.req.param("id")) }),
    );
  }
}
