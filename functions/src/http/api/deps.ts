import type { IdempotencyDeps } from "../../core/idempotency.js";
import type { InstanceDeps } from "../../core/instanceService.js";
import type { Instance } from "../../core/instances.js";
import type { ApiKeyVerifier } from "../../core/keyVerifier.js";
import type { LogEvents } from "../../core/logs.js";
import type { MessageTimelineStore } from "../../core/ports/messageTimeline.js";
import type { Metrics } from "../../core/ports/metrics.js";
import type { StatsRecorder } from "../../core/stats/record.js";
import type { EventStreamDeps } from "../common/eventStream.js";
import type { ForwardDeps } from "../common/instanceForward.js";

export interface RateLimitResult {
  allowed: boolean;
  limit: number;
  remaining: number;
  resetSeconds: number;
}

export type RateLimiter = (accountId: string, requestsPerMinute: number) => Promise<RateLimitResult>;

export interface ApiDeps extends ForwardDeps {
  verifier: ApiKeyVerifier;
  instanceDeps: () => Promise<InstanceDeps>;
  /** Loads an instance for forwarding (briefly cached); undefined when it does not exist. */
  findInstance: (accountId: string, instanceId: string) => Promise<Instance | undefined>;
  /** Drops a cached instance (after a failed forward, so a moved runtime is found again). */
  forgetInstance: (accountId: string, instanceId: string) => void;
  rateLimit: RateLimiter;
  /** GET /events/stream (http/api/eventStream.ts). */
  eventStream: EventStreamDeps;
  /** GET /messages/{id}/timeline (core/messageTimeline.ts). */
  timelines: MessageTimelineStore;
  /** Idempotency-Key on mutating instance calls (core/idempotency.ts). */
  idempotency: IdempotencyDeps;
  /** The client address failed authentications count against (http/common/clientAddress.ts). */
  clientAddress?: (headers: Headers) => string;
  logs: LogEvents;
  /** Request metrics (absent: none recorded). */
  metrics?: Metrics;
  /** Counts the messages sent through the API (core/stats/). */
  stats?: StatsRecorder;
  /** Production refuses plain HTTP and sends HSTS. */
  production: boolean;
}
