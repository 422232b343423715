import { METRICS_EXPORT_INTERVAL_MS } from "@wsapi/contracts/metrics";
import type { MetricsSink } from "../adapters/metrics.js";
import type { RuntimeConfig } from "../config.js";
import { type Metrics, noMetrics } from "../core/ports/metrics.js";
import { placement } from "../deployment.js";

// Operator metrics of one function process: OTLP/HTTP JSON to the Telemetry API (Cloud Monitoring)
// in production, to the local stack's collector in the emulators, nothing with WSAPI_METRICS_URL=off.

/** The emulators export every 2 s so tests see points quickly; production every 60 s. */
const EMULATED_INTERVAL_MS = 2_000;

export async function buildMetricsSink(config: RuntimeConfig): Promise<MetricsSink | undefined> {
  if (config.metricsUrl === "off") return undefined;
  const { plainSink, telemetrySink } = await import("../adapters/metrics.js");
  if (config.metricsUrl === "" || config.metricsUrl.startsWith("https://"))
    return telemetrySink(config.projectId, config.metricsUrl || undefined);
  return plainSink(config.metricsUrl);
}

const running = new Map<string, Promise<Metrics>>();

/** One meter provider per function name and process, started on first use. */
export function buildMetrics(config: RuntimeConfig, fn: string): Promise<Metrics> {
  let metrics = running.get(fn);
  if (!metrics) {
    metrics = (async () => {
      const sink = await buildMetricsSink(config);
      if (!sink) return noMetrics;
      const { startMetrics } = await import("../adapters/metrics.js");
      const started = await startMetrics({
        fn,
        projectId: config.projectId,
        region: placement(fn).region,
        sink,
        exportIntervalMs: config.emulated ? EMULATED_INTERVAL_MS : METRICS_EXPORT_INTERVAL_MS,
      });
      // No SIGTERM hook: a listener would replace the framework's own exit; what a scaled-in
      // instance recorded since its last export (at most one interval) is lost.
      return started.metrics;
    })();
    running.set(fn, metrics);
  }
  return metrics;
}
