// Wire shapes of the dashboard API, taken from the functions that produce them (types only: no
// server code reaches the bundle), so the two cannot drift apart.
import type { accountView } from "../../functions/src/core/accounts";
import type { instanceDetail, instanceSummary } from "../../functions/src/core/instances";
import type { InstanceStats as InstanceStatsView } from "../../functions/src/core/stats/view";
import type { listSubscriptions } from "../../functions/src/core/subscriptionService";
import type { listDeliveries } from "../../functions/src/core/webhooks/dashboard";

export type Account = Awaited<ReturnType<typeof accountView>>;
export type InstanceSummary = ReturnType<typeof instanceSummary>;
export type InstanceDetail = ReturnType<typeof instanceDetail>;
export type DeliveryPage = Awaited<ReturnType<typeof listDeliveries>>;
export type Delivery = DeliveryPage["items"][number];
export type InstanceStats = InstanceStatsView;
export type SubscriptionPage = Awaited<ReturnType<typeof listSubscriptions>>;

export interface InstancePage {
  items: InstanceSummary[];
  totalCount: number;
  pageNumber: number;
  pageSize: number;
}

export interface SessionInfo {
  uid: string;
  email: string | null;
  csrfToken: string;
  expiresAt: string;
}

export interface AuditItem {
  action: string;
  at: string;
  requestId: string | null;
  target: string | null;
}

export interface SigningSecret {
  secret: string;
  previousSecretExpiresAt: string | null;
}

export interface SessionStatus {
  isConnected: boolean;
  isLoggedIn: boolean;
  deviceId?: string;
}
