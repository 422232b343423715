import { execFileSync } from "node:child_process";
import autocannon from "autocannon";
import { json } from "../../test/support/stack.js";
import { createTenant } from "../../test/support/tenants.js";
import type { StackUrls } from "../stack/stack.js";

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
  const before = {
    functions: rssMbOf("functionsEmulatorRuntime"),
    instances: rssMbOf("instance/src/main.js"),
  };
  const result = await autocannon({
    url: `${urls.gateway}/session/status`,
    headers,
    connections: 4,
    overallRate: rate,
    duration: durationSeconds,
  });
  const after = {
    functions: rssMbOf("functionsEmulatorRuntime"),
    instances: rssMbOf("instance/src/main.js"),
  };
  return {
    requests: result.requests.total,
    requestsPerSecond: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.timeouts + result.non2xx,
    before,
    after,
  };
}
