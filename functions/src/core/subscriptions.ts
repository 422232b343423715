import { createHash, randomBytes } from "node:crypto";
import { z } from "zod";
import { INSTANCE_ID_PATTERN, instanceListQuery, pageQuery } from "./instances.js";
import type { Plan } from "./ports/accounts.js";
import type { SubscriptionStore } from "./ports/subscriptions.js";

// Subscriptions carry an account's instance capacity (WSAPI's /account/subscriptions). Every account
// has a default one derived from its plan (quantity = the plan's instanceLimit), created on first
// use with a deterministic id and following plan changes; an operator may add more documents. Each
// instance belongs to one subscription; its capacity is checked in the transaction that creates the
// instance. Every change is recorded (metadata only) under a sequence number: the change document's
// id follows from `changeSeq`, and writers create() it, so two racing writers cannot both commit.

export const CHANGE_TYPES = [
  "created",
  "plan_changed",
  "quantity_changed",
  "instance_added",
  "instance_removed",
] as const;
export type ChangeType = (typeof CHANGE_TYPES)[number];

export interface Subscription {
  id: string;
  planId: string;
  /** Instance capacity. */
  quantity: number;
  price: string;
  status: "active" | "canceled";
  cancelAtPeriodEnd: boolean;
  createdAt: number;
  /** The instances on this subscription; its length is the capacity used. */
  instanceIds: string[];
  /** The sequence number of the last recorded change. */
  changeSeq: number;
  /** The subscription derived from the account's plan (POST /account/instances creates on it). */
  isDefault: boolean;
}

export interface SubscriptionChange {
  id: string;
  subscriptionId: string;
  at: number;
  changeType: ChangeType;
  previousQuantity: number | null;
  newQuantity: number | null;
  instanceId: string | null;
  notes: string | null;
}

/** A subscription after one change, and the change's record. */
export interface Step {
  next: Subscription;
  change: SubscriptionChange;
}

export const subscriptionIdSchema = z.string().regex(INSTANCE_ID_PATTERN, "no such subscription");

/** The default subscription's id: the same for every writer, so concurrent first uses create one. */
export function defaultSubscriptionId(accountId: string): string {
  return `sub_${createHash("sha256").update(`default-subscription:${accountId}`).digest("hex").slice(0, 24)}`;
}

export function newSubscriptionId(): string {
  return `sub_${randomBytes(12).toString("hex")}`;
}

export const changeId = (seq: number) => `chg_${String(seq).padStart(8, "0")}`;

function step(
  subscription: Subscription,
  next: Partial<Subscription>,
  at: number,
  change: Pick<SubscriptionChange, "changeType"> & Partial<SubscriptionChange>,
): Step {
  const seq = subscription.changeSeq + 1;
  return {
    next: { ...subscription, ...next, changeSeq: seq },
    change: {
      id: changeId(seq),
      subscriptionId: subscription.id,
      at,
      previousQuantity: null,
      newQuantity: null,
      instanceId: null,
      notes: null,
      ...change,
    },
  };
}

/** The default subscription of an account that has none yet: its plan's capacity, its instances. */
export function deriveDefault(accountId: string, plan: Plan, instanceIds: string[], now: number): Step {
  const empty: Subscription = {
    id: defaultSubscriptionId(accountId),
    planId: plan.id,
    quantity: plan.instanceLimit,
    price: plan.price ?? "",
    status: "active",
    cancelAtPeriodEnd: false,
    createdAt: now,
    instanceIds: [],
    changeSeq: 0,
    isDefault: true,
  };
  const count = instanceIds.length;
  const adopted = count ? `; holds the account's ${count} existing instance${count === 1 ? "" : "s"}` : "";
  return step(empty, { instanceIds: [...instanceIds].sort() }, now, {
    changeType: "created",
    newQuantity: plan.instanceLimit,
    notes: `default subscription of plan ${plan.id}${adopted}`,
  });
}

/** Whether the default subscription still matches the account's plan. */
export function followsPlan(subscription: Subscription, plan: Plan): boolean {
  return subscription.planId === plan.id && subscription.quantity === plan.instanceLimit;
}

/** Brings the default subscription in line with the account's plan; undefined when it is. */
export function followPlan(subscription: Subscription, plan: Plan, now: number): Step | undefined {
  if (followsPlan(subscription, plan)) return undefined;
  const planChanged = subscription.planId !== plan.id;
  return step(
    subscription,
    { planId: plan.id, quantity: plan.instanceLimit, price: plan.price ?? subscription.price },
    now,
    {
      changeType: planChanged ? "plan_changed" : "quantity_changed",
      previousQuantity: subscription.quantity,
      newQuantity: plan.instanceLimit,
      notes: planChanged ? `plan ${subscription.planId} → ${plan.id}` : `plan ${plan.id} capacity changed`,
    },
  );
}

/** Puts an instance on the subscription; "limit" when it is full or not active. */
export function addInstance(subscription: Subscription, instanceId: string, now: number): Step | "limit" {
  if (subscription.status !== "active" || subscription.instanceIds.length >= subscription.quantity) {
    return "limit";
  }
  return step(subscription, { instanceIds: [...subscription.instanceIds, instanceId] }, now, {
    changeType: "instance_added",
    previousQuantity: subscription.instanceIds.length,
    newQuantity: subscription.instanceIds.length + 1,
    instanceId,
  });
}

/** Takes an instance off the subscription; undefined when it is not on it. */
export function removeInstance(
  subscription: Subscription,
  instanceId: string,
  now: number,
): Step | undefined {
  if (!subscription.instanceIds.includes(instanceId)) return undefined;
  const remaining = subscription.instanceIds.filter((id) => id !== instanceId);
  return step(subscription, { instanceIds: remaining }, now, {
    changeType: "instance_removed",
    previousQuantity: subscription.instanceIds.length,
    newQuantity: remaining.length,
    instanceId,
  });
}

/** The monthly billing period that holds `now`, counted from the subscription's creation. */
export function currentPeriod(createdAt: number, now: number): { start: Date; end: Date } {
  const created = new Date(createdAt);
  const monthsFrom = (months: number) => {
    const date = new Date(createdAt);
    date.setUTCMonth(created.getUTCMonth() + months);
    // Jan 31 + 1 month lands in March: clamp to the last day of the intended month.
    if (date.getUTCDate() !== created.getUTCDate()) date.setUTCDate(0);
    return date;
  };
  let months = Math.max(
    0,
    (new Date(now).getUTCFullYear() - created.getUTCFullYear()) * 12 +
      new Date(now).getUTCMonth() -
      created.getUTCMonth(),
  );
  while (months > 0 && monthsFrom(months).getTime() > now) months--;
  return { start: monthsFrom(months), end: monthsFrom(months + 1) };
}

// The answers, with WSAPI's field names (AccountSubscription, AccountSubscriptionChange).
const isoDate = z.iso.datetime();

export const AccountSubscription = z.object({
  id: z.string(),
  created: isoDate,
  curPeriodStart: isoDate,
  curPeriodEnd: isoDate,
  quantity: z.number().int(),
  plan: z.string(),
  price: z.string(),
  status: z.string(),
  cancelAtPeriodEnd: z.boolean(),
  instanceIds: z.array(z.string()).nullable(),
});

export const AccountSubscriptionChange = z.object({
  id: z.string(),
  timestamp: isoDate,
  subscriptionId: z.string(),
  changeType: z.string(),
  previousQuantity: z.number().int().nullable(),
  newQuantity: z.number().int().nullable(),
  instanceId: z.string().nullable(),
  proratedAmount: z.number().nullable(),
  notes: z.string().nullable(),
});

const paged = <T extends z.ZodType>(item: T) =>
  z.object({
    items: z.array(item),
    totalCount: z.number().int(),
    pageNumber: z.number().int(),
    pageSize: z.number().int(),
  });

export const PagedAccountSubscriptions = paged(AccountSubscription);
export const PagedAccountSubscriptionChanges = paged(AccountSubscriptionChange);

export function subscriptionView(
  subscription: Subscription,
  now: number,
): z.infer<typeof AccountSubscription> {
  const period = currentPeriod(subscription.createdAt, now);
  return {
    id: subscription.id,
    created: new Date(subscription.createdAt).toISOString(),
    curPeriodStart: period.start.toISOString(),
    curPeriodEnd: period.end.toISOString(),
    quantity: subscription.quantity,
    plan: subscription.planId,
    price: subscription.price,
    status: subscription.status,
    cancelAtPeriodEnd: subscription.cancelAtPeriodEnd,
    instanceIds: subscription.instanceIds,
  };
}

export function changeView(change: SubscriptionChange): z.infer<typeof AccountSubscriptionChange> {
  return {
    id: change.id,
    timestamp: new Date(change.at).toISOString(),
    subscriptionId: change.subscriptionId,
    changeType: change.changeType,
    previousQuantity: change.previousQuantity,
    newQuantity: change.newQuantity,
    instanceId: change.instanceId,
    proratedAmount: null,
    notes: change.notes,
  };
}

// The query strings the routes take, validated at the boundary.
const instant = z.iso
  .datetime({ offset: true, error: "must be an RFC 3339 date-time" })
  .transform((value) => Date.parse(value));

export const subscriptionInstancesQuery = instanceListQuery;

export const subscriptionChangesQuery = pageQuery.extend({
  timestampFrom: instant.optional(),
  timestampTo: instant.optional(),
  changeType: z.enum(CHANGE_TYPES).optional(),
  instanceId: z.string().regex(INSTANCE_ID_PATTERN, "must be an instance id").optional(),
});

export const createSubscriptionInstanceQuery = z.object({
  name: z.string().trim().min(1).max(256).optional(),
});

export type ChangeFilter = Pick<
  z.output<typeof subscriptionChangesQuery>,
  "timestampFrom" | "timestampTo" | "changeType" | "instanceId"
>;

/**
 * The account's default subscription, in line with its plan: one read when it is; else the store
 * derives or updates it in a transaction (the first use migrates accounts from before subscriptions).
 */
export async function defaultSubscription(
  store: Pick<SubscriptionStore, "get" | "syncDefault">,
  accountId: string,
  plan: Plan,
  now: number,
): Promise<Subscription | undefined> {
  const current = await store.get(accountId, defaultSubscriptionId(accountId));
  if (current && followsPlan(current, plan)) return current;
  return store.syncDefault(accountId, plan, now);
}
