import { randomUUID } from "node:crypto";
import type { Meter } from "@opentelemetry/api";
import { METRIC_LABELS as L, METRICS } from "@wsapi/contracts/metrics";
import type { Metrics } from "../core/ports/metrics.js";

// OpenTelemetry behind the Metrics port. The SDK and the exporter are imported only when metrics are
// on, at cold start; recording is a counter add or a histogram record (no I/O on the request path).

/** Where OTLP/HTTP JSON metrics go and how to authenticate: the local collector or the Telemetry API. */
export interface MetricsSink {
  url: string;
  headers(): Promise<Record<string, string>>;
}

/** Cloud Monitoring's OTLP endpoint (the Telemetry API); metrics land as Prometheus series. */
export const TELEMETRY_METRICS_URL = "https://telemetry.googleapis.com/v1/metrics";

// Seconds. Requests: 5 ms … 30 s. Webhook lag: 50 ms … 1 day (a delivery retried for a day).
const REQUEST_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
const LAG_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600, 21_600, 86_400];

/** The port over an OpenTelemetry meter; `fn` labels every request (api, dashboard, events, …). */
export function meterMetrics(meter: Meter, fn: string): Metrics {
  const requests = meter.createCounter(METRICS.httpRequests, { description: "HTTP requests" });
  const duration = meter.createHistogram(METRICS.httpDuration, {
    description: "HTTP request latency",
    unit: "s",
    advice: { explicitBucketBoundaries: REQUEST_BUCKETS },
  });
  const limited = meter.createCounter(METRICS.rateLimited, { description: "Calls refused by a limit" });
  const attempts = meter.createCounter(METRICS.webhookAttempts, { description: "Webhook attempts" });
  const lag = meter.createHistogram(METRICS.webhookLag, {
    description: "Event received to webhook delivered",
    unit: "s",
    advice: { explicitBucketBoundaries: LAG_BUCKETS },
  });
  const ingested = meter.createCounter(METRICS.eventsIngested, { description: "Events from instances" });
  return {
    request(route, method, status, seconds) {
      const labels = { [L.fn]: fn, [L.route]: route, [L.method]: method, [L.status]: String(status) };
      requests.add(1, labels);
      duration.record(seconds, labels);
    },
    rateLimited(code, route) {
      limited.add(1, { [L.fn]: fn, [L.route]: route, [L.code]: code });
    },
    webhookAttempt(outcome, lagSeconds) {
      attempts.add(1, { [L.outcome]: outcome });
      if (lagSeconds !== undefined) lag.record(lagSeconds);
    },
    eventsIngested(count) {
      ingested.add(count);
    },
  };
}

export interface MetricsOptions {
  /** The function's name: the `function` label and the series' job. */
  fn: string;
  projectId: string;
  region: string;
  sink: MetricsSink;
  exportIntervalMs: number;
}

export interface RunningMetrics {
  metrics: Metrics;
  /** Exports what is recorded now (tests; a function before it is shut down). */
  flush(): Promise<void>;
  shutdown(): Promise<void>;
}

/**
 * One MeterProvider per process, exporting OTLP/HTTP JSON every `exportIntervalMs`. The resource
 * names the Prometheus target Cloud Monitoring files the series under: location (cloud.region),
 * job (service.name) and a per-process instance (service.instance.id), so two function instances
 * never write the same series.
 */
export async function startMetrics(options: MetricsOptions): Promise<RunningMetrics> {
  const [
    { MeterProvider, PeriodicExportingMetricReader },
    { resourceFromAttributes },
    { OTLPMetricExporter },
  ] = await Promise.all([
    import("@opentelemetry/sdk-metrics"),
    import("@opentelemetry/resources"),
    import("@opentelemetry/exporter-metrics-otlp-http"),
  ]);
  const exporter = new OTLPMetricExporter({
    url: options.sink.url,
    headers: () => options.sink.headers(),
    timeoutMillis: 10_000,
  });
  const reader = new PeriodicExportingMetricReader({
    exporter,
    exportIntervalMillis: options.exportIntervalMs,
    exportTimeoutMillis: Math.min(10_000, options.exportIntervalMs),
  });
  const provider = new MeterProvider({
    resource: resourceFromAttributes({
      "service.name": `wsapi-${options.fn}`,
      "service.instance.id": randomUUID(),
      "cloud.region": options.region,
      "cloud.platform": "gcp_cloud_run",
      "gcp.project_id": options.projectId,
    }),
    readers: [reader],
  });
  return {
    metrics: meterMetrics(provider.getMeter("wsapi"), options.fn),
    flush: () => provider.forceFlush(),
    shutdown: () => provider.shutdown(),
  };
}

/** Application Default Credentials (the function's service account) for the Telemetry API. */
export async function telemetrySink(projectId: string, url = TELEMETRY_METRICS_URL): Promise<MetricsSink> {
  const { GoogleAuth } = await import("google-auth-library");
  const auth = new GoogleAuth({ scopes: ["https://www.googleapis.com/auth/cloud-platform"] });
  return {
    url,
    async headers() {
      const token = await auth.getAccessToken();
      // The Telemetry API is a consumer API: the quota project must be named.
      return { authorization: `Bearer ${token}`, "x-goog-user-project": projectId };
    },
  };
}

/** The local stack's collector takes plain OTLP/HTTP JSON. */
export function plainSink(url: string): MetricsSink {
  return { url, headers: async () => ({}) };
}
