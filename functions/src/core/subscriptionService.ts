import { ApiError } from "./errors.js";
import {
  createInstance,
  deleteInstance,
  type InstanceDeps,
  requireDefaultSubscription,
} from "./instanceService.js";
import {
  type InstanceFilter,
  instanceIdSchema,
  instanceSummary,
  matchesInstanceFilter,
} from "./instances.js";
import type { Plan } from "./ports/accounts.js";
import type { Page } from "./ports/subscriptions.js";
import {
  type ChangeFilter,
  changeView,
  defaultSubscriptionId,
  subscriptionIdSchema,
  subscriptionView,
} from "./subscriptions.js";

// The subscription use-cases of the account API (/account/subscriptions…). Every one first brings the
// default subscription in line with the plan (deriving it on an account's first use), so an account
// from before subscriptions answers with its default one and its instances on it.

export interface SubscriptionOwner {
  accountId: string;
  plan: Plan;
}

const notFound = () => new ApiError("NOT_FOUND", "No such subscription.");

/** The subscription, if the account has it; another account's id answers exactly like an unknown one. */
export async function requireSubscription(
  deps: InstanceDeps,
  owner: SubscriptionOwner,
  subscriptionId: string,
) {
  if (!subscriptionIdSchema.safeParse(subscriptionId).success) throw notFound();
  const byDefault = await requireDefaultSubscription(deps, owner.accountId, owner.plan);
  if (subscriptionId === defaultSubscriptionId(owner.accountId)) return byDefault;
  const subscription = await deps.subscriptions.get(owner.accountId, subscriptionId);
  if (!subscription) throw notFound();
  return subscription;
}

export async function listSubscriptions(deps: InstanceDeps, owner: SubscriptionOwner, page: Page) {
  await requireDefaultSubscription(deps, owner.accountId, owner.plan);
  const { items, totalCount } = await deps.subscriptions.list(owner.accountId, page);
  const now = deps.clock.now();
  return { items: items.map((item) => subscriptionView(item, now)), totalCount, ...page };
}

export async function listSubscriptionChanges(
  deps: InstanceDeps,
  owner: SubscriptionOwner,
  subscriptionId: string,
  query: ChangeFilter & Page,
) {
  const { pageNumber, pageSize, ...filter } = query;
  const subscription = await requireSubscription(deps, owner, subscriptionId);
  const { items, totalCount } = await deps.subscriptions.listChanges(
    owner.accountId,
    subscription.id,
    filter,
    {
      pageNumber,
      pageSize,
    },
  );
  return { items: items.map(changeView), totalCount, pageNumber, pageSize };
}

/**
 * The subscription's instances, oldest first, filtered and paged here: a subscription holds at most
 * its quantity of instances, and the status filter is WSAPI's derived status word.
 */
export async function listSubscriptionInstances(
  deps: InstanceDeps,
  owner: SubscriptionOwner,
  subscriptionId: string,
  query: Page & InstanceFilter,
) {
  const subscription = await requireSubscription(deps, owner, subscriptionId);
  const matching = (await deps.subscriptions.instances(owner.accountId, subscription.id))
    .filter((instance) => matchesInstanceFilter(instance, query))
    .sort((a, b) => a.createdAt - b.createdAt || a.instanceId.localeCompare(b.instanceId));
  const start = (query.pageNumber - 1) * query.pageSize;
  return {
    items: matching.slice(start, start + query.pageSize).map(instanceSummary),
    totalCount: matching.length,
    pageNumber: query.pageNumber,
    pageSize: query.pageSize,
  };
}

/** WSAPI's answer is the new instance's id; its key is revealed or rotated with /account/instances/{id}/apikey. */
export async function createSubscriptionInstance(
  deps: InstanceDeps,
  owner: SubscriptionOwner,
  subscriptionId: string,
  name: string | undefined,
) {
  const subscription = await requireSubscription(deps, owner, subscriptionId);
  const { instance } = await createInstance(
    deps,
    owner.accountId,
    owner.plan,
    name ? { name } : {},
    subscription,
  );
  return instance.instanceId;
}

export async function deleteSubscriptionInstance(
  deps: InstanceDeps,
  owner: SubscriptionOwner,
  subscriptionId: string,
  instanceId: string,
) {
  const subscription = await requireSubscription(deps, owner, subscriptionId);
  const instance = instanceIdSchema.safeParse(instanceId).success
    ? await deps.instances.get(owner.accountId, instanceId)
    : undefined;
  // An instance of another subscription (or account) answers like one that does not exist.
  if (!instance || instance.subscriptionId !== subscription.id) {
    throw new ApiError("NOT_FOUND", "No such instance on this subscription.");
  }
  await deleteInstance(deps, owner.accountId, instanceId);
}
