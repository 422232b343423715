import assert from "node:assert/strict";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { describe, it } from "node:test";
import { METRICS } from "@wsapi/contracts/metrics";
import { startInstanceMetrics } from "../src/metrics.js";

describe("instance metrics", () => {
  it("go as OTLP/HTTP JSON to the control plane's relay with the instance token", async () => {
    const received: Array<{ path: string; auth: string; body: { resourceMetrics: unknown[] } }> = [];
    const server = createServer((request, response) => {
      let text = "";
      request.on("data", (chunk) => (text += chunk));
      request.on("end", () => {
        received.push({
          path: request.url!,
          auth: String(request.headers.authorization),
          body: JSON.parse(text),
        });
        response.writeHead(200, { "content-type": "application/json" }).end("{}");
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const metrics = await startInstanceMetrics({
      controlUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      token: async () => "instance-token",
      exportIntervalMs: 60_000,
      transport: {
        status: () => ({
          isConnected: true,
          isLoggedIn: true,
          health: { state: "healthy", since: "", reconnects: 3 },
        }),
      },
      sendQueue: { status: () => ({ depth: 2 }) as never },
    });
    await metrics.flush();
    await metrics.shutdown();
    server.close();
    assert.equal(received[0]?.path, "/v1/metrics");
    assert.equal(received[0]?.auth, "Bearer instance-token");
    const values = new Map<string, number>();
    const [resource] = received[0]!.body.resourceMetrics as Array<{
      scopeMetrics: Array<{
        metrics: Array<
          Record<string, { dataPoints: Array<{ asInt?: string; asDouble?: number }> }> & { name: string }
        >;
      }>;
    }>;
    for (const metric of resource!.scopeMetrics.flatMap((scope) => scope.metrics)) {
      const data = metric.gauge ?? metric.sum;
      const point = data!.dataPoints[0]!;
      values.set(metric.name, Number(point.asInt ?? point.asDouble));
    }
    assert.equal(values.get(METRICS.connected), 1);
    assert.equal(values.get(METRICS.reconnects), 3);
    assert.equal(values.get(METRICS.sendQueueDepth), 2);
    assert.ok((values.get(METRICS.memory) ?? 0) > 1024 * 1024);
  });
});
