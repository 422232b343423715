import type { Context, Hono, MiddlewareHandler } from "hono";
import type { z } from "zod";
import { ApiError } from "../../core/errors.js";
import type { InstanceDeps } from "../../core/instanceService.js";
import {
  createSubscriptionInstance,
  deleteSubscriptionInstance,
  listSubscriptionChanges,
  listSubscriptionInstances,
  listSubscriptions,
} from "../../core/subscriptionService.js";
import { describeIssues } from "../common/body.js";
import { ACCOUNT_OPERATIONS } from "./accountRoutes.js";

// WSAPI's subscription operations, registered from the account route table: key checks, the entry's
// query schema, then the use-case (core/subscriptionService.ts) for the key's own account.
type Operations = typeof ACCOUNT_OPERATIONS;
type QueryOf<K extends keyof Operations> = Operations[K] extends { query: infer Q extends z.ZodType }
  ? z.output<Q>
  : undefined;
type Handler<K extends keyof Operations> = (
  c: Context,
  deps: InstanceDeps,
  query: QueryOf<K>,
) => Promise<Response>;

const owner = (c: Context) => c.get("owner");

const HANDLERS: {
  [K in
    | "listAccountSubscriptions"
    | "listAccountSubscriptionInstances"
    | "createAccountSubscriptionInstance"
    | "deleteAccountSubscriptionInstance"
    | "listAccountSubscriptionChanges"]: Handler<K>;
} = {
  listAccountSubscriptions: async (c, deps, query) => c.json(await listSubscriptions(deps, owner(c), query)),
  listAccountSubscriptionInstances: async (c, deps, query) =>
    c.json(await listSubscriptionInstances(deps, owner(c), c.req.param("id")!, query)),
  createAccountSubscriptionInstance: async (c, deps, query) =>
    c.json(await createSubscriptionInstance(deps, owner(c), c.req.param("id")!, query.name), 200),
  deleteAccountSubscriptionInstance: async (c, deps) => {
    await deleteSubscriptionInstance(deps, owner(c), c.req.param("id")!, c.req.param("instanceId")!);
    return c.body(null, 204);
  },
  listAccountSubscriptionChanges: async (c, deps, query) =>
    c.json(await listSubscriptionChanges(deps, owner(c), c.req.param("id")!, query)),
};

function parseQuery(c: Context, schema: z.ZodType | undefined) {
  if (!schema) return undefined;
  const parsed = schema.safeParse(c.req.query());
  if (!parsed.success) throw new ApiError("VALIDATION", describeIssues(parsed.error));
  return parsed.data;
}

export function registerSubscriptionRoutes(
  app: Hono,
  authenticate: MiddlewareHandler,
  deps: () => Promise<InstanceDeps>,
) {
  for (const [operationId, handler] of Object.entries(HANDLERS)) {
    const route = ACCOUNT_OPERATIONS[operationId as keyof typeof HANDLERS];
    const query: z.ZodType | undefined = "query" in route ? route.query : undefined;
    app.on(route.method, route.path, authenticate, async (c) =>
      (handler as Handler<keyof typeof HANDLERS>)(c, await deps(), parseQuery(c, query) as never),
    );
  }
}
