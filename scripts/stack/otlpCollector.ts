import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

// The local stack's metrics collector: a loopback OTLP/HTTP receiver (POST /v1/metrics, JSON
// encoding, as the functions and the metrics relay send to Cloud Monitoring's Telemetry API in
// production). It keeps the latest point of each series so tests and developers can read them:
//   GET /v1/points → [{ service, serviceInstance, name, kind, attributes, value | count | sum }]
// Protobuf bodies are refused with 415 (the exporters here send JSON). Loopback only.

export interface CollectedPoint {
  service: string;
  serviceInstance: string;
  name: string;
  kind: string;
  attributes: Record<string, string>;
  value?: number;
  count?: number;
  sum?: number;
  receivedAt: number;
}

type OtlpAttribute = { key: string; value: Record<string, unknown> };
type OtlpPoint = {
  attributes?: OtlpAttribute[];
  asInt?: string | number;
  asDouble?: number;
  count?: string | number;
  sum?: number;
};

const BODY_LIMIT = 1024 * 1024;
/** Series kept at most; past it the oldest go (a long local session must not grow without end). */
const MAX_SERIES = 20_000;

function attributesOf(list: OtlpAttribute[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const { key, value } of list ?? []) {
    const scalar = value.stringValue ?? value.intValue ?? value.doubleValue ?? value.boolValue;
    out[key] = String(scalar);
  }
  return out;
}

/** The points of one ExportMetricsServiceRequest, flattened. */
export function pointsOf(request: unknown, receivedAt: number): CollectedPoint[] {
  const points: CollectedPoint[] = [];
  const resourceMetrics = (request as { resourceMetrics?: unknown[] }).resourceMetrics ?? [];
  for (const rm of resourceMetrics as Array<{
    resource?: { attributes?: OtlpAttribute[] };
    scopeMetrics?: unknown[];
  }>) {
    const resource = attributesOf(rm.resource?.attributes);
    for (const scope of (rm.scopeMetrics ?? []) as Array<{ metrics?: Array<Record<string, unknown>> }>) {
      for (const metric of scope.metrics ?? []) {
        for (const kind of ["sum", "gauge", "histogram"]) {
          const data = metric[kind] as { dataPoints?: OtlpPoint[] } | undefined;
          for (const point of data?.dataPoints ?? []) {
            points.push({
              service: resource["service.name"] ?? "",
              serviceInstance: resource["service.instance.id"] ?? "",
              name: String(metric.name),
              kind,
              attributes: attributesOf(point.attributes),
              ...(kind === "histogram"
                ? { count: Number(point.count ?? 0), sum: Number(point.sum ?? 0) }
                : { value: Number(point.asInt ?? point.asDouble ?? 0) }),
              receivedAt,
            });
          }
        }
      }
    }
  }
  return points;
}

const seriesKey = (p: CollectedPoint) =>
  JSON.stringify([p.service, p.serviceInstance, p.name, Object.entries(p.attributes).sort()]);

function readBody(request: IncomingMessage): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > BODY_LIMIT) {
        request.destroy();
        resolve(undefined);
      } else chunks.push(chunk);
    });
    request.on("end", () => resolve(Buffer.concat(chunks)));
    request.on("error", reject);
  });
}

export interface OtlpCollector {
  url: string;
  /** Points of every series received so far. */
  points(): CollectedPoint[];
  stop(): Promise<void>;
}

/** Listens on 127.0.0.1:`port` (0: any free port). */
export async function startOtlpCollector(port: number): Promise<OtlpCollector> {
  const series = new Map<string, CollectedPoint>();
  const send = (response: ServerResponse, status: number, body: unknown) => {
    response.writeHead(status, { "content-type": "application/json" });
    response.end(JSON.stringify(body));
  };
  const server = createServer(async (request, response) => {
    try {
      if (request.method === "GET" && request.url === "/v1/points")
        return send(response, 200, [...series.values()]);
      if (request.method !== "POST" || request.url !== "/v1/metrics")
        return send(response, 404, { error: "no route" });
      if (!/^application\/json\b/.test(request.headers["content-type"] ?? ""))
        return send(response, 415, { error: "send OTLP/HTTP JSON" });
      const body = await readBody(request);
      if (!body) return send(response, 413, { error: "body too large" });
      for (const point of pointsOf(JSON.parse(body.toString("utf8")), Date.now())) {
        const key = seriesKey(point);
        series.delete(key);
        series.set(key, point);
        if (series.size > MAX_SERIES) series.delete(series.keys().next().value!);
      }
      send(response, 200, {});
    } catch {
      send(response, 400, { error: "not an OTLP JSON request" });
    }
  });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    points: () => [...series.values()],
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
