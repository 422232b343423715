import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { validateConfig } from "../src/config.ts";
import { buildTestStack, ofType, type Registered, testConfig } from "./harness.ts";

interface Rule {
  priority: number;
  action: string;
  match: { expr?: { expression: string }; versionedExpr?: string; config?: { srcIpRanges: string[] } };
  rateLimitOptions?: {
    enforceOnKey: string;
    enforceOnKeyName?: string;
    exceedAction: string;
    conformAction: string;
    rateLimitThreshold: { count: number; intervalSec: number };
  };
}

const TLS_ORDER = ["TLS_1_0", "TLS_1_1", "TLS_1_2", "TLS_1_3"];

function armorRules(resources: Registered[]): Rule[] {
  const [policy] = ofType(resources, "gcp:compute/securityPolicy:SecurityPolicy");
  assert.ok(policy, "a Cloud Armor policy exists");
  return policy.inputs.rules as Rule[];
}

const throttles = (rules: Rule[]) => rules.filter((r) => r.action === "throttle");
const wafRules = (rules: Rule[]) =>
  rules.filter((r) => r.match.expr?.expression.startsWith("evaluatePreconfiguredWaf("));

describe("edge: TLS", () => {
  test("the HTTPS proxy uses a MODERN SSL policy with TLS 1.2 or newer", async () => {
    const { resources } = await buildTestStack();
    const [proxy] = ofType(resources, "gcp:compute/targetHttpsProxy:TargetHttpsProxy");
    const [sslPolicy] = ofType(resources, "gcp:compute/sSLPolicy:SSLPolicy");
    assert.ok(proxy && sslPolicy);
    assert.equal(proxy.inputs.sslPolicy, `${sslPolicy.name}-id`);
    assert.equal(sslPolicy.inputs.profile, "MODERN");
    assert.ok(TLS_ORDER.indexOf(String(sslPolicy.inputs.minTlsVersion)) >= TLS_ORDER.indexOf("TLS_1_2"));
  });

  test("the certificate is Google-managed for the API domain", async () => {
    const { resources } = await buildTestStack();
    const [proxy] = ofType(resources, "gcp:compute/targetHttpsProxy:TargetHttpsProxy");
    const [cert] = ofType(resources, "gcp:compute/managedSslCertificate:ManagedSslCertificate");
    assert.deepEqual(proxy?.inputs.sslCertificates, [`${cert?.name}-id`]);
    assert.deepEqual(cert?.inputs.managed, { domains: ["api.wsapi.test"] });
  });

  test("the internet reaches the API only on 443, through the Armor-protected backend", async () => {
    const { resources } = await buildTestStack();
    const rules = ofType(resources, "gcp:compute/globalForwardingRule:GlobalForwardingRule");
    assert.deepEqual(
      rules.map((r) => r.inputs.portRange),
      ["443"],
    );
    const [backend] = ofType(resources, "gcp:compute/backendService:BackendService");
    const [neg] = ofType(resources, "gcp:compute/regionNetworkEndpointGroup:RegionNetworkEndpointGroup");
    assert.equal(backend?.inputs.securityPolicy, "selfLink/api-armor");
    assert.deepEqual(backend?.inputs.backends, [{ group: `${neg?.name}-id` }]);
    assert.equal(neg?.inputs.networkEndpointType, "SERVERLESS");
    assert.deepEqual(neg?.inputs.cloudRun, { service: "api" });
  });
});

describe("edge: Cloud Armor", () => {
  test("preconfigured WAF rules deny SQLi, XSS, LFI, RFI and RCE", async () => {
    const { resources } = await buildTestStack();
    const waf = wafRules(armorRules(resources));
    for (const attack of ["sqli", "xss", "lfi", "rfi", "rce", "protocolattack", "scannerdetection"]) {
      const rule = waf.find((r) => r.match.expr?.expression.includes(`'${attack}-v33-stable'`));
      assert.ok(rule, `no ${attack} rule`);
      assert.match(rule.action, /^deny\(40[34]\)$/);
    }
  });

  test("requests carrying X-Api-Key are throttled per key value and answered 429", async () => {
    const { resources } = await buildTestStack();
    const perKey = throttles(armorRules(resources)).find(
      (r) => r.rateLimitOptions?.enforceOnKey === "HTTP_HEADER",
    );
    assert.ok(perKey);
    assert.equal(perKey.rateLimitOptions?.enforceOnKeyName, "X-Api-Key");
    assert.equal(perKey.rateLimitOptions?.exceedAction, "deny(429)");
    assert.deepEqual(perKey.rateLimitOptions?.rateLimitThreshold, { count: 1200, intervalSec: 60 });
    // Without the header every keyless request would share one bucket, so the rule matches keyed requests only.
    assert.equal(perKey.match.expr?.expression, "has(request.headers['x-api-key'])");
  });

  test("everything else is throttled per client IP and answered 429", async () => {
    const { resources } = await buildTestStack();
    const perIp = throttles(armorRules(resources)).find((r) => r.rateLimitOptions?.enforceOnKey === "IP");
    assert.ok(perIp);
    assert.equal(perIp.rateLimitOptions?.exceedAction, "deny(429)");
    assert.deepEqual(perIp.rateLimitOptions?.rateLimitThreshold, { count: 2400, intervalSec: 60 });
    assert.deepEqual(perIp.match.config?.srcIpRanges, ["*"]);
  });

  test("WAF denials are evaluated before any throttle can allow a request", async () => {
    const { resources } = await buildTestStack();
    const rules = armorRules(resources);
    const lastWaf = Math.max(...wafRules(rules).map((r) => r.priority));
    for (const rule of throttles(rules)) assert.ok(rule.priority > lastWaf, `throttle at ${rule.priority}`);
    const priorities = rules.map((r) => r.priority);
    assert.equal(new Set(priorities).size, priorities.length, "priorities are unique");
  });

  test("thresholds come from the stack config", async () => {
    const config = testConfig({
      rateLimits: { perApiKey: { count: 50, intervalSec: 10 }, perIp: { count: 90, intervalSec: 30 } },
    });
    const { resources } = await buildTestStack(config);
    const limits = throttles(armorRules(resources)).map((r) => r.rateLimitOptions?.rateLimitThreshold);
    assert.deepEqual(limits, [
      { count: 50, intervalSec: 10 },
      { count: 90, intervalSec: 30 },
    ]);
  });

  test("intervals Cloud Armor would refuse are rejected before deploying", () => {
    const config = testConfig();
    assert.throws(
      () =>
        validateConfig({
          ...config,
          rateLimits: { ...config.rateLimits, perIp: { count: 10, intervalSec: 45 } },
        }),
      /intervalSec must be one of/,
    );
  });
});
