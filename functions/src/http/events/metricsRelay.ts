import { METRIC_LABELS, METRICS_PATH, OtlpMetricsRequest } from "@wsapi/contracts/metrics";
import type { Hono } from "hono";
import type { MetricsSink } from "../../adapters/metrics.js";
import { ApiError } from "../../core/errors.js";
import type { Instance } from "../../core/instances.js";
import { parseJsonBody } from "../common/body.js";
import type {} from "./instanceAuth.js";

// Instances hold no Google credentials that could write metrics (their service accounts have no
// project role, and thousands of them could not be bound to one anyway), so each sends its OTLP
// metrics here with its instance token, and the control plane forwards them under its own identity.
// The instance cannot name itself: resource and id labels are replaced with those of the token.

const METRICS_BODY_LIMIT = 256 * 1024;
const POINT_KINDS = ["sum", "gauge", "histogram", "exponentialHistogram", "summary"] as const;

export interface MetricsRelayDeps {
  /** Absent with WSAPI_METRICS_URL=off: metrics are accepted and dropped. */
  sink?: MetricsSink | undefined;
  projectId: string;
  region: string;
}

const stringAttribute = (key: string, value: string) => ({ key, value: { stringValue: value } });
type Attribute = { key: string; value: Record<string, unknown> };
type DataPoint = { attributes?: Attribute[] };

/** The request with the instance's identity imposed on every resource and data point. */
export function relabel(request: OtlpMetricsRequest, instance: Instance, deps: MetricsRelayDeps) {
  const ids = [
    stringAttribute(METRIC_LABELS.instanceId, instance.instanceId),
    stringAttribute(METRIC_LABELS.accountId, instance.accountId),
  ];
  const reserved = new Set(ids.map((attribute) => attribute.key));
  return {
    resourceMetrics: request.resourceMetrics.map(({ scopeMetrics }) => ({
      resource: {
        attributes: [
          stringAttribute("service.name", "wsapi-instance"),
          stringAttribute("service.instance.id", instance.instanceId),
          stringAttribute("cloud.region", deps.region),
          stringAttribute("cloud.platform", "gcp_cloud_run"),
          stringAttribute("gcp.project_id", deps.projectId),
        ],
      },
      scopeMetrics: scopeMetrics.map((scope) => ({
        ...scope,
        metrics: scope.metrics.map((metric) => {
          const relabelled: Record<string, unknown> = { ...metric };
          for (const kind of POINT_KINDS) {
            const data = metric[kind] as { dataPoints?: DataPoint[] } | undefined;
            if (!data?.dataPoints) continue;
            relabelled[kind] = {
              ...data,
              dataPoints: data.dataPoints.map((point) => ({
                ...point,
                attributes: [...(point.attributes ?? []).filter((a) => !reserved.has(a.key)), ...ids],
              })),
            };
          }
          return relabelled;
        }),
      })),
    })),
  };
}

export function registerMetricsRelay(app: Hono, deps: MetricsRelayDeps) {
  app.post(METRICS_PATH, async (c) => {
    const request = await parseJsonBody(c, OtlpMetricsRequest, METRICS_BODY_LIMIT);
    if (deps.sink) {
      const response = await fetch(deps.sink.url, {
        method: "POST",
        headers: { "content-type": "application/json", ...(await deps.sink.headers()) },
        body: JSON.stringify(relabel(request, c.get("instance"), deps)),
        redirect: "error",
        signal: AbortSignal.timeout(10_000),
      }).catch(() => undefined);
      await response?.body?.cancel();
      // The instance's exporter retries a 503; a refusal of the points themselves is not its to fix.
      if (!response || response.status === 429 || response.status >= 500)
        throw new ApiError("UNAVAILABLE", "The metrics backend is unavailable; try again later.", {
          "retry-after": "30",
        });
    }
    // An OTLP/HTTP success: an ExportMetricsServiceResponse, empty.
    return c.json({}, 200);
  });
}
