import { mkdirSync, writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import fc from "fast-check";
import { generateApiKey } from "../functions/src/core/apiKey.js";
import {
  bodyContentType,
  DASHBOARD_ROUTES,
  fillPath,
  GATEWAY_ACCOUNT_PATHS,
  headerValue,
  IMPLEMENTED_ROUTES,
  jsonBody,
  pathParam,
  platformRefuses,
  problemIssue,
} from "../test/support/fuzzInputs.js";
import { startStack } from "./stack/stack.js";

// `npm run fuzz [-- --requests 100000 --concurrency 32 --seed 1]`: generated requests over every
// gateway route (the route table's implemented operations and the account routes) and the dashboard routes (no cookie, forged
// cookie, cookie without / with a wrong / with the CSRF token) against a local stack it starts and
// stops. Reports every answer >= 500 and every error body that is not problem+json (apart from the
// runtime body parser's documented 400: README "Known limits"); exits non-zero if there is any.
const { values } = parseArgs({
  options: {
    requests: { type: "string", default: "100000" },
    concurrency: { type: "string", default: "32" },
    seed: { type: "string" },
    examples: { type: "string", default: "20" },
    // Stops sending after this many seconds (and says so), for a run that must fit a time box.
    "max-seconds": { type: "string" },
  },
});
const total = Number(values.requests);
const concurrency = Number(values.concurrency);
const seed = values.seed === undefined ? Date.now() % 2 ** 31 : Number(values.seed);
const maxExamples = Number(values.examples);
const maxSeconds =
  values["max-seconds"] === undefined ? Number.POSITIVE_INFINITY : Number(values["max-seconds"]);

interface Credentials {
  accountKey: string;
  instanceId: string;
  instanceKey: string;
  cookie: string;
  csrfToken: string;
}

interface FuzzRequest {
  target: "gateway" | "dashboard";
  variant: string;
  method: string;
  /** The route's pattern, to group findings. */
  route: string;
  path: string;
  headers: Record<string, string>;
  body?: string;
}

// One client address sends a share of the requests so the per-address limits (429) are exercised;
// the rest spread over the benchmarking range so they don't turn everything into 429.
const SHARED_ADDRESS = "198.18.0.1";
const address = fc.oneof(
  { weight: 1, arbitrary: fc.constant(SHARED_ADDRESS) },
  {
    weight: 9,
    arbitrary: fc
      .tuple(fc.integer({ min: 18, max: 19 }), fc.nat(255), fc.nat(255))
      .map(([a, b, c]) => `198.${a}.${b}.${c}`),
  },
);

const OVERSIZED = JSON.stringify({ to: "15551234567@s.whatsapp.net", text: "x".repeat(300 * 1024) });
const body = fc.oneof(
  { weight: 12, arbitrary: jsonBody },
  { weight: 1, arbitrary: fc.constant(OVERSIZED) },
  { weight: 1, arbitrary: fc.string({ maxLength: 200 }) },
);
const contentType = fc.oneof(
  { weight: 4, arbitrary: bodyContentType },
  { weight: 1, arbitrary: fc.constantFrom("application/json; charset=utf-8", "APPLICATION/JSON") },
);

/** What every generated request draws besides its route and credentials. */
const common = {
  params: fc.array(pathParam, { minLength: 1, maxLength: 2 }),
  body: fc.option(body, { freq: 3 }),
  contentType,
  address,
};

/** The request to send; a body (with its content type) only on methods that take one. */
function fuzzRequest(
  target: FuzzRequest["target"],
  variant: string,
  route: { method: string; path: string },
  path: string,
  headers: Record<string, string>,
  input: { body: string | null; contentType: string | undefined },
): FuzzRequest {
  const request: FuzzRequest = { target, variant, method: route.method, route: route.path, path, headers };
  if (input.body !== null && route.method !== "GET") {
    request.body = input.body;
    if (input.contentType) headers["content-type"] = input.contentType;
  }
  return request;
}

function requests(creds: Credentials): fc.Arbitrary<FuzzRequest> {
  const gatewayRoute = fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...IMPLEMENTED_ROUTES) },
    { weight: 1, arbitrary: fc.constantFrom(...GATEWAY_ACCOUNT_PATHS) },
  );
  // Well-formed keys nobody holds: these count as failed authentications per client address.
  const unknownKeys = Array.from({ length: 200 }, () => generateApiKey());
  const key = fc.oneof(
    fc.constant(creds.accountKey),
    fc.constantFrom(...unknownKeys),
    fc.constant(creds.instanceKey),
    headerValue,
    fc.constant(undefined),
  );
  const instanceId = fc.oneof(fc.constant(creds.instanceId), headerValue, fc.constant(undefined));
  const gateway = fc
    .record({
      route: gatewayRoute,
      key,
      instanceId,
      ...common,
    })
    .map((input): FuzzRequest => {
      const headers: Record<string, string> = { "x-forwarded-for": input.address };
      let apiKey = input.key;
      // Never create instances with the real key: each one is a process on this machine.
      if (input.route.method === "POST" && input.route.path === "/account/instances") {
        if (apiKey === creds.accountKey || apiKey === creds.instanceKey) apiKey = "wsk_live_fuzz";
      }
      if (apiKey !== undefined) headers["x-api-key"] = apiKey;
      if (input.instanceId !== undefined) headers["x-instance-id"] = input.instanceId;
      const variant = apiKey === creds.accountKey || apiKey === creds.instanceKey ? "valid-key" : "other-key";
      const path = fillPath(input.route.path, input.params);
      return fuzzRequest("gateway", variant, input.route, path, headers, input);
    });
  const auth = fc.constantFrom("none", "forged", "no-csrf", "wrong-csrf", "csrf", "csrf", "csrf");
  const dashboard = fc
    .record({
      route: fc.constantFrom(...DASHBOARD_ROUTES),
      auth,
      id: fc.oneof(fc.constant(creds.instanceId), pathParam),
      ...common,
    })
    .map((input): FuzzRequest => {
      const headers: Record<string, string> = { "x-forwarded-for": input.address };
      let variant = input.auth;
      // Never create instances with a working session (each one is a process on this machine).
      // Nor end the fuzzer's own session (sign-out, account deletion).
      const route = `${input.route.method} ${input.route.path}`;
      if (
        ["POST /v1/instances", "DELETE /v1/session", "DELETE /v1/account"].includes(route) &&
        variant === "csrf"
      ) {
        variant = "no-csrf";
      }
      if (variant === "forged") headers.cookie = "__session=forged";
      else if (variant !== "none") headers.cookie = creds.cookie;
      if (variant === "csrf") headers["x-csrf-token"] = creds.csrfToken;
      if (variant === "wrong-csrf") headers["x-csrf-token"] = "forged-token";
      const path = fillPath(input.route.path.replace(":id", encodeURIComponent(input.id)), input.params);
      return fuzzRequest("dashboard", variant, input.route, path, headers, input);
    });
  return fc.oneof({ weight: 3, arbitrary: gateway }, { weight: 1, arbitrary: dashboard });
}

interface Example {
  target: string;
  variant: string;
  method: string;
  path: string;
  status: number;
  contentType: string;
  issue?: string;
  body: string;
  requestBody?: string;
}

const stack = await startStack({ logDir: ".wsapi/logs" });
process.env.WSAPI_STACK = ".wsapi/stack.json";
let failed = true;
try {
  // Imported after the stack is up: the helpers read .wsapi/stack.json.
  const { createTenant, setPlan, UNTHROTTLED_PLAN } = await import("../test/support/tenants.js");
  const { signUpAndSignIn } = await import("../test/support/stack.js");
  console.log("▶ tenants");
  const tenant = await createTenant("fuzz", ["fuzz-1"]);
  const dashboardUser = await signUpAndSignIn("fuzz-dash");
  await setPlan(dashboardUser.uid, UNTHROTTLED_PLAN);
  const creds: Credentials = {
    accountKey: tenant.accountKey,
    instanceId: "fuzz-1",
    instanceKey: tenant.instances[0]!.apiKey,
    cookie: dashboardUser.cookie,
    csrfToken: dashboardUser.csrfToken,
  };
  const base = { gateway: stack.urls.gateway, dashboard: stack.urls.dashboard };
  const arbitrary = requests(creds);

  const statuses: Record<string, number> = {};
  const byTarget: Record<string, Record<string, number>> = {};
  const serverErrors: Example[] = [];
  const badBodies: Example[] = [];
  let serverErrorCount = 0;
  const serverErrorsByRoute: Record<string, number> = {};
  let badBodyCount = 0;
  let platformRefusals = 0;
  let networkErrors = 0;
  const networkExamples: string[] = [];
  let sent = 0;
  let done = 0;
  let started = Date.now();

  // Generated in batches from one seed, so a run can be replayed with --seed.
  const batchSize = 1000;
  let batch: FuzzRequest[] = [];
  let batchIndex = 0;
  const next = (): FuzzRequest | undefined => {
    if (sent >= total || Date.now() - started > maxSeconds * 1000) return undefined;
    if (batchIndex >= batch.length) {
      batch = fc.sample(arbitrary, { numRuns: batchSize, seed: seed + Math.floor(sent / batchSize) });
      batchIndex = 0;
    }
    sent += 1;
    return batch[batchIndex++];
  };

  const example = (request: FuzzRequest, status: number, type: string, text: string, issue?: string) => ({
    target: request.target,
    variant: request.variant,
    method: request.method,
    path: request.path.slice(0, 200),
    status,
    contentType: type,
    ...(issue ? { issue } : {}),
    body: text.slice(0, 300),
    ...(request.body !== undefined ? { requestBody: request.body.slice(0, 200) } : {}),
  });

  async function sendOne(request: FuzzRequest) {
    let status: number;
    let type: string;
    let text: string;
    try {
      const response = await fetch(`${base[request.target]}${request.path}`, {
        method: request.method,
        headers: request.headers,
        ...(request.body !== undefined ? { body: request.body } : {}),
        signal: AbortSignal.timeout(60_000),
      });
      status = response.status;
      type = response.headers.get("content-type") ?? "";
      text = await response.text();
    } catch (error) {
      networkErrors += 1;
      if (networkExamples.length < maxExamples) {
        networkExamples.push(`${request.method} ${request.path.slice(0, 120)}: ${String(error)}`);
      }
      return;
    }
    statuses[status] = (statuses[status] ?? 0) + 1;
    const key = `${request.target}/${request.variant}`;
    byTarget[key] ??= {};
    byTarget[key][status] = (byTarget[key][status] ?? 0) + 1;
    if (status >= 500) {
      serverErrorCount += 1;
      const route = `${request.target} ${request.method} ${request.route}`;
      serverErrorsByRoute[route] = (serverErrorsByRoute[route] ?? 0) + 1;
      if (serverErrors.length < maxExamples) serverErrors.push(example(request, status, type, text));
    }
    const contentTypeSent = request.headers["content-type"] ?? "";
    if (
      status === 400 &&
      request.body !== undefined &&
      platformRefuses(request.body, contentTypeSent.toLowerCase()) &&
      !/problem\+json/.test(type)
    ) {
      platformRefusals += 1;
      return;
    }
    const issue = problemIssue({ status, contentType: type, text });
    if (issue) {
      badBodyCount += 1;
      if (badBodies.length < maxExamples) badBodies.push(example(request, status, type, text, issue));
    }
  }

  console.log(`▶ ${total} requests, concurrency ${concurrency}, seed ${seed}`);
  started = Date.now();
  const progress = setInterval(() => {
    const seconds = (Date.now() - started) / 1000;
    console.log(
      `  ${done}/${total} in ${seconds.toFixed(0)} s (${(done / seconds).toFixed(0)} req/s), >=500: ${serverErrorCount}, bad bodies: ${badBodyCount}`,
    );
  }, 10_000);
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let request = next(); request; request = next()) {
        await sendOne(request);
        done += 1;
      }
    }),
  );
  clearInterval(progress);
  const seconds = (Date.now() - started) / 1000;

  const report = {
    date: new Date().toISOString(),
    seed,
    requests: done,
    requested: total,
    concurrency,
    durationSeconds: Math.round(seconds),
    requestsPerSecond: Math.round(done / seconds),
    statuses,
    byTarget,
    serverErrors: { count: serverErrorCount, byRoute: serverErrorsByRoute, examples: serverErrors },
    nonProblemErrorBodies: { count: badBodyCount, examples: badBodies },
    platformBodyParserRefusals: platformRefusals,
    networkErrors: { count: networkErrors, examples: networkExamples },
  };
  mkdirSync(".wsapi", { recursive: true });
  writeFileSync(".wsapi/fuzz-report.json", `${JSON.stringify(report, null, 2)}\n`);
  console.log(
    `\n${done} requests in ${seconds.toFixed(0)} s (${report.requestsPerSecond} req/s), seed ${seed}`,
  );
  console.log("status histogram:", JSON.stringify(statuses));
  for (const [target, counts] of Object.entries(byTarget))
    console.log(`  ${target}: ${JSON.stringify(counts)}`);
  console.log(`answers >= 500: ${serverErrorCount}`);
  for (const [route, count] of Object.entries(serverErrorsByRoute)) console.log(`  ${count} × ${route}`);
  for (const e of serverErrors)
    console.log(`  ${e.status} ${e.method} ${e.path} [${e.target}/${e.variant}] ${e.body}`);
  console.log(
    `error bodies not problem+json: ${badBodyCount} (runtime body parser's documented 400s: ${platformRefusals})`,
  );
  for (const e of badBodies)
    console.log(`  ${e.status} ${e.method} ${e.path} [${e.target}/${e.variant}] ${e.issue}: ${e.body}`);
  console.log(`network errors: ${networkErrors}`);
  for (const line of networkExamples) console.log(`  ${line}`);
  console.log("report written to .wsapi/fuzz-report.json");
  failed = serverErrorCount > 0 || badBodyCount > 0 || networkErrors > 0;
} catch (error) {
  console.error(error);
} finally {
  await stack.stop();
}
process.exit(failed ? 1 : 0);
