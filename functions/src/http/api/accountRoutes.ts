import type { RouteMethod } from "@wsapi/contracts/routes";
import { z } from "zod";
import {
  AccountInstanceDefaults,
  AccountInstanceDetail,
  createInstanceRequest,
  instanceDefaultsRequest,
  instanceListQuery,
  instanceNameRequest,
  instanceSettingsRequest,
  PagedAccountInstances,
  pageQuery,
} from "../../core/instances.js";
import { InstanceStats, statsQuery } from "../../core/stats/view.js";
import {
  createSubscriptionInstanceQuery,
  PagedAccountSubscriptionChanges,
  PagedAccountSubscriptions,
  subscriptionChangesQuery,
  subscriptionInstancesQuery,
} from "../../core/subscriptions.js";

// The one table of the gateway's own account API (/account/*, account key only), keyed by WSAPI's
// operationId (createAccountInstance and deleteAccountInstance are ours: WSAPI creates and deletes
// instances under subscriptions; entries marked `extension` are not WSAPI's at all). /openapi.json is generated from it, the subscription routes are
// registered from it (http/api/subscriptions.ts), the security tests iterate it, and
// functions/test/accountRoutes.test.ts holds the gateway's registered /account routes to it.
export interface AccountRoute {
  method: RouteMethod;
  /** Hono pattern: `:name` for a path parameter. */
  path: string;
  /** Query string, validated at the boundary (400 naming the parameter). */
  query?: z.ZodObject;
  request?: z.ZodType;
  response?: z.ZodType;
  success: 200 | 201 | 204;
  /** Statuses the operation answers besides the key checks' 401, 403 and 429. */
  errors: readonly number[];
  /** Ours, not in WSAPI's OpenAPI: documented in the README, marked `x-wsapi-extension` in /openapi.json. */
  extension?: boolean;
}

const paged = { query: pageQuery, errors: [400] } as const;
const instanceList = { query: instanceListQuery, errors: [400] } as const;
const instance = { errors: [404] } as const;
const subscription = { errors: [400, 404] } as const;

export const ACCOUNT_OPERATIONS = {
  listAccountInstances: {
    method: "GET",
    path: "/account/instances",
    ...instanceList,
    response: PagedAccountInstances,
    success: 200,
  },
  createAccountInstance: {
    method: "POST",
    path: "/account/instances",
    request: createInstanceRequest,
    success: 201,
    errors: [400, 403, 409],
    extension: true,
  },
  getAccountInstanceDefaults: {
    method: "GET",
    path: "/account/instances/defaults",
    response: AccountInstanceDefaults,
    success: 200,
    errors: [],
  },
  updateAccountInstanceDefaults: {
    method: "PUT",
    path: "/account/instances/defaults",
    request: instanceDefaultsRequest,
    success: 204,
    errors: [400],
  },
  getAccountInstance: {
    method: "GET",
    path: "/account/instances/:id",
    response: AccountInstanceDetail,
    success: 200,
    ...instance,
  },
  deleteAccountInstance: {
    method: "DELETE",
    path: "/account/instances/:id",
    success: 204,
    ...instance,
    extension: true,
  },
  updateAccountInstanceName: {
    method: "PUT",
    path: "/account/instances/:id/name",
    request: instanceNameRequest,
    success: 204,
    errors: [400, 404],
  },
  updateAccountInstanceSettings: {
    method: "PUT",
    path: "/account/instances/:id/settings",
    request: instanceSettingsRequest,
    success: 204,
    errors: [400, 404],
  },
  regenerateAccountInstanceApiKey: {
    method: "PUT",
    path: "/account/instances/:id/apikey",
    response: z.string(),
    success: 200,
    ...instance,
  },
  // Our extension: hourly message and webhook numbers (core/stats/).
  getAccountInstanceStats: {
    method: "GET",
    path: "/account/instances/:id/stats",
    query: statsQuery,
    response: InstanceStats,
    success: 200,
    errors: [400, 404],
    extension: true,
  },
  restartAccountInstance: {
    method: "PUT",
    path: "/account/instances/:id/restart",
    success: 204,
    ...instance,
  },
  listAccountSubscriptions: {
    method: "GET",
    path: "/account/subscriptions",
    ...paged,
    response: PagedAccountSubscriptions,
    success: 200,
  },
  listAccountSubscriptionInstances: {
    method: "GET",
    path: "/account/subscriptions/:id/instances",
    query: subscriptionInstancesQuery,
    response: PagedAccountInstances,
    success: 200,
    ...subscription,
  },
  createAccountSubscriptionInstance: {
    method: "POST",
    path: "/account/subscriptions/:id/instances",
    query: createSubscriptionInstanceQuery,
    // WSAPI answers the new instance's id as a JSON string.
    response: z.string(),
    success: 200,
    errors: [400, 403, 404, 409],
  },
  deleteAccountSubscriptionInstance: {
    method: "DELETE",
    path: "/account/subscriptions/:id/instances/:instanceId",
    success: 204,
    ...subscription,
  },
  listAccountSubscriptionChanges: {
    method: "GET",
    path: "/account/subscriptions/:id/changes",
    query: subscriptionChangesQuery,
    response: PagedAccountSubscriptionChanges,
    success: 200,
    ...subscription,
  },
} as const satisfies Record<string, AccountRoute>;

export type AccountOperationId = keyof typeof ACCOUNT_OPERATIONS;

export const ACCOUNT_ROUTES: ReadonlyArray<AccountRoute & { operationId: AccountOperationId }> =
  Object.entries(ACCOUNT_OPERATIONS).map(([operationId, route]) => ({
    ...(route as AccountRoute),
    operationId: operationId as AccountOperationId,
  }));
