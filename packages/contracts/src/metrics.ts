import { z } from "zod";

// Operator metrics: one list of names and labels for the functions, the instances and the dashboards
// and alert policies in infra/. Names use [a-z0-9_] only (Cloud Monitoring ingests OTLP metrics as
// Prometheus series, whose names must match [a-zA-Z_:][a-zA-Z0-9_:]* for plain PromQL).
// Labels carry no tenant data beyond instance and account ids: never a phone number, JID or path.

export const METRICS = {
  /** Counter: gateway, dashboard and events requests by function, route template, method and status. */
  httpRequests: "wsapi_http_requests",
  /** Histogram (seconds): the same requests' latency. */
  httpDuration: "wsapi_http_request_duration_seconds",
  /** Counter: calls refused by a limit, by route and problem code (RATE_LIMITED, NEW_CONTACT_LIMIT, …). */
  rateLimited: "wsapi_rate_limited",
  /** Counter: webhook delivery attempts by outcome (delivered, retry, failed, cancelled). */
  webhookAttempts: "wsapi_webhook_attempts",
  /** Histogram (seconds): event received → webhook delivered (the lag a customer sees). */
  webhookLag: "wsapi_webhook_lag_seconds",
  /** Counter: events the control plane accepted from instances. */
  eventsIngested: "wsapi_events_ingested",
  /** Gauge: messages waiting in an instance's paced send queue. */
  sendQueueDepth: "wsapi_instance_send_queue_depth",
  /** Counter: WhatsApp reconnects of an instance (reasons are in its session_health events and logs). */
  reconnects: "wsapi_instance_reconnects",
  /** Gauge: 1 while an instance's WhatsApp socket is connected, else 0. */
  connected: "wsapi_instance_connected",
  /** Gauge (bytes): an instance process's resident memory. */
  memory: "wsapi_instance_memory_bytes",
} as const;

export const METRIC_LABELS = {
  fn: "function",
  route: "route",
  method: "method",
  status: "status",
  code: "code",
  outcome: "outcome",
  reason: "reason",
  instanceId: "instance_id",
  accountId: "account_id",
} as const;

/** Where an instance sends its OTLP/HTTP JSON metrics: the control plane relays them. */
export const METRICS_PATH = "/v1/metrics";

/** Export interval in production: Cloud Monitoring takes one point per series per 5 s at most. */
export const METRICS_EXPORT_INTERVAL_MS = 60_000;

const attribute = z.object({ key: z.string().max(128), value: z.record(z.string(), z.unknown()) });

/**
 * The OTLP/HTTP JSON request an instance sends (ExportMetricsServiceRequest), checked only as far as
 * the relay needs: it rewrites resources and labels and leaves the points to the receiver.
 */
export const OtlpMetricsRequest = z.object({
  resourceMetrics: z
    .array(
      z.object({
        resource: z.looseObject({ attributes: z.array(attribute).max(64).optional() }).optional(),
        scopeMetrics: z
          .array(
            z.looseObject({
              metrics: z.array(z.looseObject({ name: z.string().max(256) })).max(256),
            }),
          )
          .max(16),
      }),
    )
    .max(4),
});
export type OtlpMetricsRequest = z.infer<typeof OtlpMetricsRequest>;
