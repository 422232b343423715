import { mkdirSync, writeFileSync } from "node:fs";
import os from "node:os";
import { benchColdStart } from "./bench/coldStart.js";
import { benchGateway } from "./bench/gateway.js";
import { benchInstanceMemory } from "./bench/instanceMemory.js";
import { benchKeyVerification } from "./bench/keys.js";
import { benchLoad } from "./bench/load.js";
import { benchSigning } from "./bench/signing.js";
import { benchWebhooks } from "./bench/webhooks.js";
import { startStack } from "./stack/stack.js";

// `npm run bench`: every benchmark in one run, one table, written to docs/PERFORMANCE.md.
type Row = [measure: string, value: string, target: string];
const rows: Row[] = [];
const fixed = (value: number, digits = 1) => value.toFixed(digits);

console.log("▶ cold-start import of the functions entry");
const cold = benchColdStart();
rows.push([
  "functions entry import (median of 7 fresh processes)",
  `${fixed(cold.medianMs)} ms`,
  "<= 300 ms",
]);

console.log("▶ warm key verifications");
const keys = await benchKeyVerification();
rows.push([
  "warm API key verifications per second (one core)",
  `${fixed(keys.perSecond, 0)}/s`,
  "no store read",
]);
rows.push(["store reads during warm verifications", String(keys.storeReads), "0"]);

console.log("▶ webhook signing");
const signing = benchSigning();
rows.push([
  `signed webhook requests per second (${signing.bodyBytes} B body, both schemes)`,
  `${fixed(signing.perSecond, 0)}/s`,
  "",
]);

console.log("▶ gateway overhead (10 s each, 16 connections, same run)");
const { direct, viaNginx, viaGateway, viaGatewayWithMetrics, metricsCounted } = await benchGateway(10);
const perSecond = (result: { requestsPerSecond: number }) => fixed(result.requestsPerSecond, 0);
const percent = (part: number, whole: number) => `${fixed((100 * part) / whole, 0)} %`;
rows.push(["direct to instance: p50 / p99", `${direct.p50} / ${direct.p99} ms`, ""]);
rows.push(["through nginx (the yardstick hop): p50 / p99", `${viaNginx.p50} / ${viaNginx.p99} ms`, ""]);
rows.push(["through the gateway: p50 / p99", `${viaGateway.p50} / ${viaGateway.p99} ms`, ""]);
rows.push([
  "gateway added p50 / p99",
  `${viaGateway.p50 - direct.p50} / ${viaGateway.p99 - direct.p99} ms`,
  "<= 1 / <= 5 ms",
]);
rows.push([
  "throughput: direct / nginx / gateway",
  `${perSecond(direct)} / ${perSecond(viaNginx)} / ${perSecond(viaGateway)} req/s`,
  "",
]);
rows.push(["gateway / nginx", percent(viaGateway.requestsPerSecond, viaNginx.requestsPerSecond), ">= 85 %"]);
rows.push([
  "CPU time per request: gateway process / nginx worker",
  `${fixed(viaGateway.cpuMicrosPerRequest, 0)} / ${fixed(viaNginx.cpuMicrosPerRequest, 0)} µs`,
  "",
]);
rows.push([
  "gateway with request metrics (OTLP export every 5 s): throughput, and share of without",
  `${perSecond(viaGatewayWithMetrics)} req/s, ${percent(viaGatewayWithMetrics.requestsPerSecond, viaGateway.requestsPerSecond)}`,
  "",
]);
rows.push([
  "CPU time per request: gateway with / without metrics",
  `${fixed(viaGatewayWithMetrics.cpuMicrosPerRequest, 0)} / ${fixed(viaGateway.cpuMicrosPerRequest, 0)} µs`,
  "",
]);
rows.push([
  "requests the collector counted / answered by the gateway with metrics (after the warm-up too)",
  `${metricsCounted} / ${viaGatewayWithMetrics.requests}`,
  "",
]);
rows.push([
  "errors (non-2xx, timeouts)",
  `${direct.errors + viaNginx.errors + viaGateway.errors + viaGatewayWithMetrics.errors}`,
  "0",
]);

console.log("▶ instance memory (simulator transport)");
const memory = benchInstanceMemory();
for (const row of memory.rows) rows.push([`instance RSS: ${row.phase}`, `${row.rssMb} MB`, ""]);
rows.push(["instance RSS peak", `${memory.peak} MB`, "<= 120 MB"]);

console.log("▶ sustained load through the local stack (60 s at 100 req/s)");
const stack = await startStack({ logDir: ".wsapi/logs" });
process.env.WSAPI_STACK = ".wsapi/stack.json";
try {
  const load = await benchLoad(stack.urls);
  rows.push([
    "local stack, 60 s at 100 req/s: requests / errors",
    `${load.requests} / ${load.errors}`,
    "0 errors",
  ]);
  rows.push([
    "local stack: p50 / p99 (Functions emulator in the path; worse half)",
    `${load.p50} / ${load.p99} ms`,
    "",
  ]);
  rows.push([
    "functions workers RSS at 0 / 30 / 60 s",
    `${load.before.functions} / ${load.middle.functions} / ${load.after.functions} MB`,
    "no growth",
  ]);
  rows.push([
    "instance process RSS at 0 / 30 / 60 s",
    `${load.before.instances} / ${load.middle.instances} / ${load.after.instances} MB`,
    "no growth",
  ]);
  console.log("▶ webhook latency and throughput through the local stack");
  const hooks = await benchWebhooks(stack.urls);
  rows.push([
    `webhook latency, message → receiver, p50 / p95 of ${hooks.sequential}`,
    `${fixed(hooks.p50, 0)} / ${fixed(hooks.p95, 0)} ms`,
    "",
  ]);
  rows.push([
    `event stream latency, message → stream client, p50 / p95 of the same ${hooks.sequential}`,
    `${fixed(hooks.streamP50, 0)} / ${fixed(hooks.streamP95, 0)} ms`,
    "",
  ]);
  rows.push([
    `webhook throughput, burst of ${hooks.burst} messages (emulator: 4 concurrent dispatches)`,
    `${fixed(hooks.perSecond)}/s`,
    "",
  ]);
} finally {
  await stack.stop();
}

const table = [
  "| measure | value | target |",
  "|---|---|---|",
  ...rows.map((row) => `| ${row.join(" | ")} |`),
].join("\n");
const report = `# Performance

Produced by \`npm run bench\` on ${new Date().toISOString().slice(0, 10)}, ${os.cpus().length} cores,
Node ${process.version}. Every figure comes from the same run; ratios compare measurements taken
side by side.

${table}

## Method

- **Cold start**: a fresh \`node\` process imports \`functions/lib/index.js\` (the deployed entry);
  heavy SDKs load lazily inside the triggers, so this is what a cold instance pays before its first request.
- **Key verification**: the real \`ApiKeyVerifier\` (format, CRC32 checksum, peppered HMAC, cache)
  verifying one warm key in a loop; the store counts reads to prove a warm hit costs none.
- **Gateway overhead**: one real instance service process (simulator transport) and the real gateway
  app (key verification, rate limiting, ES256 token minting, zod, undici forwarding) in its own process,
  behind the adapter the \`api\` trigger uses, with in-memory stores, so neither Firestore nor Redis
  latency is counted. The yardstick is Debian's nginx as a plain reverse proxy in front of the same
  instance (one worker, keep-alive upstream pool, no access log; installed with apt-get when missing).
  autocannon drives \`GET /session/status\` directly (with a valid gateway token), through nginx (same
  token) and through the gateway, 16 connections, 10 s each after a 2 s warm-up each. CPU time per
  request is the user + system time (/proc) of the gateway process (all its threads) and of the nginx
  worker during their phase, divided by the requests served. On a 2-core machine the load generator,
  the proxy and the instance share the cores, so a hop's CPU time shows directly in throughput.
  \`BENCH_PROF=1\` writes the gateway's CPU profile to \`.wsapi/prof\`.
- **Sustained load**: the whole local stack (\`npm start\`'s processes); autocannon sends 100 req/s of
  \`GET /session/status\` through the Functions emulator's \`api\` function for 5 s of warm-up and
  then 2 × 30 s; RSS (from \`ps\`) of the functions workers and of the instance process is read at
  0, 30 and 60 s, so warm-up (growth in the first half only) is told apart from a leak (growth in both).
- **Webhooks**: a paired instance whose webhook points at a local receiver; a simulated contact sends
  messages. Latency is message sent → delivery received, one at a time; throughput is a burst sent
  back to back until the last delivery arrives. Locally the Cloud Tasks emulator looks at its queue
  once a second (firebase-tools' \`TaskQueue.TASK_QUEUE_INTERVAL\` = 1000 ms) and we let it dispatch
  at most 4 deliveries at once (the Functions emulator starts a process per concurrent request), so
  the ~1 s latency and the throughput measure the local path, not production's Cloud Tasks queue
  (up to 500 dispatches/s by default, with no once-a-second loop).
- **Event stream**: during the same sequential messages a client follows \`GET /events/stream\`
  (reconnecting with Last-Event-ID when a connection ends, as EventSource does); latency is message sent →
  event read off the stream. The api function polls the event log once a second, so about half a second
  of it is the poll interval; the same holds in production (see README, Event stream).
`;
mkdirSync("docs", { recursive: true });
writeFileSync("docs/PERFORMANCE.md", report);
console.log(`\n${table}\n\nwritten to docs/PERFORMANCE.md`);
