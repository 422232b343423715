import assert from "node:assert/strict";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { describe, it } from "node:test";
import {
  MeterProvider,
  type MetricData,
  MetricReader,
  type ResourceMetrics,
} from "@opentelemetry/sdk-metrics";
import { METRICS } from "@wsapi/contracts/metrics";
import { Hono } from "hono";
import { meterMetrics, plainSink, startMetrics } from "../src/adapters/metrics.js";
import { ApiError } from "../src/core/errors.js";
import type { Instance } from "../src/core/instances.js";
import { createLogger, logEvents } from "../src/core/logs.js";
import { installRequestMetrics } from "../src/http/common/metrics.js";
import { installErrorHandling } from "../src/http/common/problem.js";
import { relabel } from "../src/http/events/metricsRelay.js";

/** Reads what the meter holds right now (the SDK's pull reader, as a test needs). */
class PullReader extends MetricReader {
  protected override async onForceFlush() {}
  protected override async onShutdown() {}
}

async function collected(reader: PullReader): Promise<MetricData[]> {
  const { resourceMetrics } = (await reader.collect()) as { resourceMetrics: ResourceMetrics };
  return resourceMetrics.scopeMetrics.flatMap((scope) => scope.metrics);
}

function appWithMetrics() {
  const reader = new PullReader();
  const provider = new MeterProvider({ readers: [reader] });
  const app = new Hono();
  installRequestMetrics(app, meterMetrics(provider.getMeter("test"), "api"));
  installErrorHandling(app, logEvents(createLogger(() => {})));
  app.get("/instances/:id", (c) => {
    if (c.req.param("id") === "busy") throw new ApiError("RATE_LIMITED", "slow down");
    return c.json({ id: c.req.param("id") });
  });
  return { app, reader };
}

const labelsOf = (metric: MetricData | undefined): Array<Record<string, unknown>> =>
  (metric?.dataPoints ?? []).map((point) => ({ ...point.attributes, value: point.value }));

describe("operator metrics", () => {
  it("count requests by route template, never the raw path; unmatched and limited calls are named", async () => {
    const { app, reader } = appWithMetrics();
    for (const path of ["/instances/sales", "/instances/support", "/instances/busy", "/nowhere/5511999"])
      await app.request(path);
    const metrics = await collected(reader);
    const requests = labelsOf(metrics.find((m) => m.descriptor.name === METRICS.httpRequests));
    assert.deepEqual(requests.map(({ route, status, value }) => `${route} ${status} ${value}`).sort(), [
      "/instances/:id 200 2",
      "/instances/:id 429 1",
      "unmatched 404 1",
    ]);
    assert.ok(requests.every((labels) => labels.function === "api" && labels.method === "GET"));
    const limited = labelsOf(metrics.find((m) => m.descriptor.name === METRICS.rateLimited));
    assert.deepEqual(limited, [{ function: "api", route: "/instances/:id", code: "RATE_LIMITED", value: 1 }]);
    const text = JSON.stringify(metrics);
    for (const raw of ["sales", "support", "5511999"])
      assert.ok(!text.includes(raw), `no label holds ${raw}`);
  });

  it("export OTLP/HTTP JSON with a resource that names a Prometheus target of its own", async () => {
    const bodies: Array<{ type: string; body: Record<string, unknown> }> = [];
    const server = createServer((request, response) => {
      let text = "";
      request.on("data", (chunk) => (text += chunk));
      request.on("end", () => {
        bodies.push({ type: String(request.headers["content-type"]), body: JSON.parse(text) });
        response.writeHead(200, { "content-type": "application/json" }).end("{}");
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/metrics`;
    const running = await startMetrics({
      fn: "deliverwebhook",
      projectId: "demo-x",
      region: "europe-west1",
      sink: plainSink(url),
      exportIntervalMs: 60_000,
    });
    running.metrics.webhookAttempt("delivered", 1.5);
    running.metrics.webhookAttempt("retry");
    await running.flush();
    await running.shutdown();
    server.close();
    assert.ok(bodies.length >= 1);
    assert.match(bodies[0]!.type, /^application\/json/);
    const [resourceMetrics] = bodies[0]!.body.resourceMetrics as Array<{
      resource: { attributes: Array<{ key: string; value: { stringValue?: string } }> };
      scopeMetrics: Array<{ metrics: Array<{ name: string }> }>;
    }>;
    const resource = Object.fromEntries(
      resourceMetrics!.resource.attributes.map((a) => [a.key, a.value.stringValue]),
    );
    assert.equal(resource["service.name"], "wsapi-deliverwebhook");
    assert.equal(resource["cloud.region"], "europe-west1");
    assert.equal(resource["gcp.project_id"], "demo-x");
    assert.match(resource["service.instance.id"] ?? "", /^[0-9a-f-]{36}$/);
    const names = resourceMetrics!.scopeMetrics.flatMap((scope) => scope.metrics.map((m) => m.name));
    assert.ok(names.includes(METRICS.webhookAttempts) && names.includes(METRICS.webhookLag), names.join());
  });

  it("the relay imposes the token's instance on resources and labels, whatever the instance sent", () => {
    const instance = { instanceId: "sales", accountId: "acct-1" } as Instance;
    const forged = {
      resourceMetrics: [
        {
          resource: { attributes: [{ key: "service.instance.id", value: { stringValue: "someone-else" } }] },
          scopeMetrics: [
            {
              metrics: [
                {
                  name: METRICS.memory,
                  gauge: {
                    dataPoints: [
                      {
                        asInt: "1",
                        attributes: [
                          { key: "instance_id", value: { stringValue: "someone-else" } },
                          { key: "account_id", value: { stringValue: "victim" } },
                        ],
                      },
                    ],
                  },
                },
              ],
            },
          ],
        },
      ],
    };
    const out = relabel(forged, instance, { projectId: "p", region: "europe-west1" });
    const resource = out.resourceMetrics[0]!.resource.attributes;
    assert.deepEqual(
      resource.find((a) => a.key === "service.instance.id"),
      { key: "service.instance.id", value: { stringValue: "sales" } },
    );
    const metric = out.resourceMetrics[0]!.scopeMetrics[0]!.metrics[0] as {
      gauge: { dataPoints: Array<{ attributes: Array<{ key: string; value: { stringValue: string } }> }> };
    };
    const labels = metric.gauge.dataPoints[0]!.attributes.map((a) => `${a.key}=${a.value.stringValue}`);
    assert.deepEqual(labels, ["instance_id=sales", "account_id=acct-1"]);
  });
});
