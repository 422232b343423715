import type { Instance } from "../instances.js";
import type { ChangeFilter, Subscription, SubscriptionChange } from "../subscriptions.js";
import type { Plan } from "./accounts.js";

// Subscriptions (accounts/{uid}/subscriptions) and their change records.

export interface Page {
  pageNumber: number;
  pageSize: number;
}

export interface SubscriptionStore {
  get(accountId: string, subscriptionId: string): Promise<Subscription | undefined>;
  /** Oldest first. */
  list(accountId: string, page: Page): Promise<{ items: Subscription[]; totalCount: number }>;
  /** Newest first. */
  listChanges(
    accountId: string,
    subscriptionId: string,
    filter: ChangeFilter,
    page: Page,
  ): Promise<{ items: SubscriptionChange[]; totalCount: number }>;
  /** The instance documents of the subscription (at most its quantity). */
  instances(accountId: string, subscriptionId: string): Promise<Instance[]>;
  /**
   * In one transaction: creates the default subscription from `plan` when the account has none (its
   * existing instances move onto it), else brings it in line with `plan`; records the change.
   * Undefined when the account does not exist (deleted meanwhile).
   */
  syncDefault(accountId: string, plan: Plan, now: number): Promise<Subscription | undefined>;
}
