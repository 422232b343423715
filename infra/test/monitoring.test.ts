import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { METRICS } from "@wsapi/contracts/metrics";
import { ALERTS, QUERIES } from "../src/monitoring.ts";
import { buildTestStack, ofType } from "./harness.ts";

describe("operator dashboards and alerts", () => {
  test("one dashboard charts every metric the code exports", async () => {
    const { resources } = await buildTestStack();
    const [dashboard, ...more] = ofType(resources, "gcp:monitoring/dashboard:Dashboard");
    assert.equal(more.length, 0);
    const json = JSON.parse(String(dashboard!.inputs.dashboardJson)) as {
      mosaicLayout: {
        tiles: Array<{
          widget: { xyChart: { dataSets: Array<{ timeSeriesQuery: { prometheusQuery: string } }> } };
        }>;
      };
    };
    const queries = json.mosaicLayout.tiles.map(
      (t) => t.widget.xyChart.dataSets[0]!.timeSeriesQuery.prometheusQuery,
    );
    for (const name of Object.values(METRICS))
      assert.ok(
        queries.some((q) => q.includes(name)),
        `the dashboard charts ${name}`,
      );
  });

  test("three paging alerts (webhook lag, error rate, instances down) as PromQL, notifying the on-call emails", async () => {
    const { resources } = await buildTestStack();
    const policies = ofType(resources, "gcp:monitoring/alertPolicy:AlertPolicy");
    assert.deepEqual(policies.map((p) => p.name).sort(), ["error-rate", "instances-down", "webhook-lag"]);
    const channels = ofType(resources, "gcp:monitoring/notificationChannel:NotificationChannel");
    assert.deepEqual(
      channels.map((c) => c.inputs.labels),
      [{ email_address: "oncall@wsapi.test" }],
    );
    for (const policy of policies) {
      const [condition] = policy.inputs.conditions as Array<{
        conditionPrometheusQueryLanguage: { query: string; duration: string };
      }>;
      const alert = ALERTS.find((a) => a.name === policy.name)!;
      assert.equal(condition!.conditionPrometheusQueryLanguage.query, alert.query);
      assert.match(condition!.conditionPrometheusQueryLanguage.duration, /^\d+s$/);
      assert.equal((policy.inputs.notificationChannels as unknown[]).length, 1);
    }
    assert.match(QUERIES.webhookLagP95, new RegExp(`${METRICS.webhookLag}_bucket`));
    assert.match(QUERIES.errorRatio, new RegExp(`${METRICS.httpRequests}_total\\{status=~"5\\.\\."\\}`));
  });
});
