// Operator metrics of one instance process (names in @wsapi/contracts/metrics): memory, connection,
// reconnects and the paced send queue, observed at each export. They go as OTLP/HTTP JSON to the
// control plane's metrics relay, authenticated with the instance token like events: the instance's
// service account holds no role that could write to Cloud Monitoring, and the relay labels the points
// with the instance and account the token names (the instance cannot name another).
import { METRICS, METRICS_PATH } from "@wsapi/contracts/metrics";
import type { SendQueue } from "./sending/send-queue.js";
import type { WhatsAppTransport } from "./transport/port.js";

export interface InstanceMetricsOptions {
  controlUrl: string;
  /** Bearer token for the control plane (the control client's instance token). */
  token: () => Promise<string>;
  exportIntervalMs: number;
  transport: Pick<WhatsAppTransport, "status">;
  sendQueue: Pick<SendQueue, "status">;
}

export interface InstanceMetrics {
  flush(): Promise<void>;
  shutdown(): Promise<void>;
}

export async function startInstanceMetrics(options: InstanceMetricsOptions): Promise<InstanceMetrics> {
  const [{ MeterProvider, PeriodicExportingMetricReader }, { OTLPMetricExporter }] = await Promise.all([
    import("@opentelemetry/sdk-metrics"),
    import("@opentelemetry/exporter-metrics-otlp-http"),
  ]);
  const exporter = new OTLPMetricExporter({
    url: `${options.controlUrl}${METRICS_PATH}`,
    headers: async () => ({ authorization: `Bearer ${await options.token()}` }),
    timeoutMillis: 10_000,
  });
  const reader = new PeriodicExportingMetricReader({
    exporter,
    exportIntervalMillis: options.exportIntervalMs,
    exportTimeoutMillis: Math.min(10_000, options.exportIntervalMs),
  });
  // The relay replaces the resource, so the instance sets none of its own.
  const provider = new MeterProvider({ readers: [reader] });
  const meter = provider.getMeter("wsapi-instance");
  const memory = meter.createObservableGauge(METRICS.memory, { description: "Resident memory", unit: "By" });
  const connected = meter.createObservableGauge(METRICS.connected, { description: "1 while connected" });
  const reconnects = meter.createObservableCounter(METRICS.reconnects, { description: "Reconnects" });
  const queueDepth = meter.createObservableGauge(METRICS.sendQueueDepth, { description: "Queued sends" });
  meter.addBatchObservableCallback(
    (result) => {
      const status = options.transport.status();
      result.observe(memory, process.memoryUsage.rss());
      result.observe(connected, status.isConnected ? 1 : 0);
      result.observe(reconnects, status.health?.reconnects ?? 0);
      result.observe(queueDepth, options.sendQueue.status(null).depth);
    },
    [memory, connected, reconnects, queueDepth],
  );
  return { flush: () => provider.forceFlush(), shutdown: () => provider.shutdown() };
}
