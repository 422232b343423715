import { execFileSync } from "node:child_process";
import autocannon from "autocannon";
import { json } from "../../test/support/stack.js";
import { createTenant } from "../../test/support/tenants.js";
import { INSTANCE_ENTRY, type StackUrls } from "../stack/stack.js";

// Sustained load through the gateway on the local stack: zero errors expected, latency reported,
// and the RSS of the functions workers and instance processes compared before and after.
function rssMbOf(pattern: string): number {
  const output = execFileSync("ps", ["-eo", "rss=,args="], { encoding: "utf8" });
  const kb = output
    .split("\n")
    .filter((line) => line.includes(pattern))
    .reduce((sum, line) => sum + Number(line.trim().split(/\s+/)[0] ?? 0), 0);
  return Math.round(kb / 1024);
}

const rss = () => ({
  functions: rssMbOf("functionsEmulatorRuntime"),
  instances: rssMbOf(INSTANCE_ENTRY),
});

export async function benchLoad(urls: StackUrls, durationSeconds = 60, rate = 100) {
  const tenant = await createTenant("load", ["load-1"]);
  const headers = { "x-api-key": tenant.accountKey, "x-instance-id": "load-1" };
  const warm = await json("GET", `${urls.gateway}/session/status`, undefined, headers);
  if (warm.status !== 200) throw new Error(`warm-up answered ${warm.status}`);
  await autocannon({
    url: `${urls.gateway}/session/status`,
    headers,
    connections: 4,
    overallRate: rate,
    duration: 5,
  });
  const before = rss();
  // Two halves, so growth that stops after the first (warm-up, heap sizing) shows apart from a leak.
  const half = () =>
    autocannon({
      url: `${urls.gateway}/session/status`,
      headers,
      connections: 4,
      overallRate: rate,
      duration: durationSeconds / 2,
    });
  const first = await half();
  const middle = rss();
  const second = await half();
  const after = rss();
  const requests = first.requests.total + second.requests.total;
  return {
    requests,
    p50: Math.max(first.latency.p50, second.latency.p50),
    p99: Math.max(first.latency.p99, second.latency.p99),
    errors: [first, second].reduce((sum, r) => sum + r.errors + r.timeouts + r.non2xx, 0),
    before,
    middle,
    after,
  };
}
