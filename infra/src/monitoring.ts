import * as gcp from "@pulumi/gcp";
import { METRIC_LABELS, METRICS } from "@wsapi/contracts/metrics";
import type { InfraConfig } from "./config.ts";

// Operator metrics reach Cloud Monitoring through the Telemetry API (OTLP; telemetry.googleapis.com,
// enabled with the other APIs in infra/README.md step 3), which stores them as
// Prometheus series (monitored resource prometheus_target), so dashboards and alerts are PromQL.
// Names follow OpenTelemetry's Prometheus translation: a monotonic sum gains `_total`, a histogram
// is read through `_bucket`, `_sum` and `_count`; our names already end in their unit. Cloud Tasks'
// queue depth is Google's own metric, read through PromQL's name for it.

const counter = (name: string) => `${name}_total`;
const { fn, route, status, outcome } = METRIC_LABELS;

export const QUERIES = {
  requestRate: `sum by (${fn}, ${route}) (rate(${counter(METRICS.httpRequests)}[5m]))`,
  errorRatio: `sum(rate(${counter(METRICS.httpRequests)}{${status}=~"5.."}[5m])) / sum(rate(${counter(METRICS.httpRequests)}[5m]))`,
  latencyP95: `histogram_quantile(0.95, sum by (le, ${fn}) (rate(${METRICS.httpDuration}_bucket[5m])))`,
  rateLimited: `sum by (${METRIC_LABELS.code}) (rate(${counter(METRICS.rateLimited)}[5m]))`,
  webhookAttempts: `sum by (${outcome}) (rate(${counter(METRICS.webhookAttempts)}[5m]))`,
  webhookLagP95: `histogram_quantile(0.95, sum by (le) (rate(${METRICS.webhookLag}_bucket[10m])))`,
  instancesDisconnected: `count(${METRICS.connected} == 0) / count(${METRICS.connected})`,
  reconnects: `sum(rate(${counter(METRICS.reconnects)}[15m]))`,
  taskQueueDepth: `sum by (queue_id) (cloudtasks_googleapis_com:queue_depth{monitored_resource="cloud_tasks_queue"})`,
  eventsIngested: `sum(rate(${counter(METRICS.eventsIngested)}[5m]))`,
  sendQueueDepth: `sum(${METRICS.sendQueueDepth})`,
  instanceMemoryP95: `quantile(0.95, ${METRICS.memory})`,
} as const;

/** The few conditions that page someone; everything else is on the dashboard. */
export const ALERTS = [
  {
    name: "webhook-lag",
    displayName: "Webhook lag p95 above 5 minutes",
    query: `${QUERIES.webhookLagP95} > 300`,
    duration: "600s",
  },
  {
    name: "error-rate",
    displayName: "More than 2 % of requests answer 5xx",
    query: `${QUERIES.errorRatio} > 0.02`,
    duration: "300s",
  },
  {
    name: "instances-down",
    displayName: "More than 5 % of instances disconnected from WhatsApp",
    query: `${QUERIES.instancesDisconnected} > 0.05`,
    duration: "600s",
  },
] as const;

const TILES: Array<{ title: string; query: string }> = [
  { title: "Requests per second by function and route", query: QUERIES.requestRate },
  { title: "5xx ratio", query: QUERIES.errorRatio },
  { title: "Latency p95 by function (s)", query: QUERIES.latencyP95 },
  { title: "Refused by a limit, by problem code", query: QUERIES.rateLimited },
  { title: "Webhook attempts by outcome", query: QUERIES.webhookAttempts },
  { title: "Webhook lag p95 (s)", query: QUERIES.webhookLagP95 },
  { title: "Cloud Tasks queue depth (webhooks, provisioning)", query: QUERIES.taskQueueDepth },
  { title: "Events from instances per second", query: QUERIES.eventsIngested },
  { title: "Share of instances disconnected", query: QUERIES.instancesDisconnected },
  { title: "Reconnects per second", query: QUERIES.reconnects },
  { title: "Queued paced sends", query: QUERIES.sendQueueDepth },
  { title: "Instance memory p95 (bytes)", query: QUERIES.instanceMemoryP95 },
];

/** Two tiles a row, each a PromQL chart. */
export function dashboardJson(): string {
  return JSON.stringify({
    displayName: "WSAPI operations",
    mosaicLayout: {
      columns: 12,
      tiles: TILES.map((tile, index) => ({
        xPos: (index % 2) * 6,
        yPos: Math.floor(index / 2) * 4,
        width: 6,
        height: 4,
        widget: {
          title: tile.title,
          xyChart: { dataSets: [{ timeSeriesQuery: { prometheusQuery: tile.query }, plotType: "LINE" }] },
        },
      })),
    },
  });
}

export function buildMonitoring(config: InfraConfig) {
  const channels = config.alertEmails.map(
    (email, index) =>
      new gcp.monitoring.NotificationChannel(`alert-email-${index}`, {
        project: config.project,
        type: "email",
        displayName: `WSAPI on-call ${email}`,
        labels: { email_address: email },
      }),
  );
  const dashboard = new gcp.monitoring.Dashboard("operations", {
    project: config.project,
    dashboardJson: dashboardJson(),
  });
  const alerts = ALERTS.map(
    (alert) =>
      new gcp.monitoring.AlertPolicy(alert.name, {
        project: config.project,
        displayName: alert.displayName,
        combiner: "OR",
        severity: "CRITICAL",
        conditions: [
          {
            displayName: alert.displayName,
            conditionPrometheusQueryLanguage: {
              query: alert.query,
              duration: alert.duration,
              evaluationInterval: "60s",
            },
          },
        ],
        notificationChannels: channels.map((channel) => channel.name),
        alertStrategy: { autoClose: "1800s" },
      }),
  );
  return { channels, dashboard, alerts };
}
