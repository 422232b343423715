import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { describe, test } from "node:test";
import { validateConfig } from "../src/config.ts";
import { ArmorPolicy, type ArmorRequest, type ArmorRule } from "./armorModel.ts";
import { allStrings, buildTestStack, ofType, type Registered, testConfig } from "./harness.ts";

type Rule = ArmorRule;

const TLS_ORDER = ["TLS_1_0", "TLS_1_1", "TLS_1_2", "TLS_1_3"];

function armorPolicy(resources: Registered[]): Registered {
  const [policy] = ofType(resources, "gcp:compute/securityPolicy:SecurityPolicy");
  assert.ok(policy, "a Cloud Armor policy exists");
  return policy;
}

function armorRules(resources: Registered[]): Rule[] {
  return armorPolicy(resources).inputs.rules as Rule[];
}

/** A key of the public format (wsk_ + 38 base62 characters) that no account holds. */
const randomApiKey = () =>
  `wsk_${randomBytes(48)
    .toString("base64")
    .replace(/[^A-Za-z0-9]/g, "")
    .slice(0, 38)}`;

/** Sends `n` requests through the policy and counts the decisions by action. */
function send(policy: ArmorPolicy, n: number, request: () => ArmorRequest): Record<string, number> {
  const tally: Record<string, number> = {};
  for (let i = 0; i < n; i++) {
    const { action } = policy.evaluate(request());
    tally[action] = (tally[action] ?? 0) + 1;
  }
  return tally;
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

  test("one throttle, per client IP, matching every request, answered 429", async () => {
    const { resources } = await buildTestStack();
    const [perIp, ...others] = throttles(armorRules(resources));
    assert.deepEqual(others, [], "a second throttle could never count a request the first one allowed");
    assert.ok(perIp);
    assert.equal(perIp.rateLimitOptions?.enforceOnKey, "IP");
    assert.equal(perIp.rateLimitOptions?.enforceOnKeyConfigs, undefined);
    assert.equal(perIp.rateLimitOptions?.exceedAction, "deny(429)");
    assert.deepEqual(perIp.rateLimitOptions?.rateLimitThreshold, { count: 2400, intervalSec: 60 });
    assert.deepEqual(perIp.match, { versionedExpr: "SRC_IPS_V1", config: { srcIpRanges: ["*"] } });
  });

  test("a flood of random X-Api-Keys from one IP is counted by the per-IP limit", async () => {
    const { resources } = await buildTestStack();
    const policy = new ArmorPolicy(armorRules(resources));
    const tally = send(policy, 2400 + 100, () => ({
      ip: "198.51.100.7",
      headers: { "X-Api-Key": randomApiKey() },
    }));
    assert.deepEqual(tally, { allow: 2400, "deny(429)": 100 });
  });

  test("keyed and keyless requests from one IP share its bucket; other IPs have their own", async () => {
    const { resources } = await buildTestStack();
    const policy = new ArmorPolicy(armorRules(resources));
    const keyed = send(policy, 1200, () => ({
      ip: "198.51.100.8",
      headers: { "x-api-key": randomApiKey() },
    }));
    const keyless = send(policy, 1300, () => ({ ip: "198.51.100.8" }));
    assert.deepEqual(keyed, { allow: 1200 });
    assert.deepEqual(keyless, { allow: 1200, "deny(429)": 100 });
    assert.deepEqual(policy.evaluate({ ip: "203.0.113.9", headers: { "X-Api-Key": randomApiKey() } }), {
      priority: 2000,
      action: "allow",
    });
  });

  test("the model catches the old order: a per-key throttle first lets random keys escape the per-IP rule", () => {
    const threshold = { count: 2400, intervalSec: 60 };
    const old: Rule[] = [
      {
        priority: 2000,
        action: "throttle",
        match: { expr: { expression: "has(request.headers['x-api-key'])" } },
        rateLimitOptions: {
          enforceOnKey: "HTTP_HEADER",
          enforceOnKeyName: "X-Api-Key",
          conformAction: "allow",
          exceedAction: "deny(429)",
          rateLimitThreshold: { count: 1200, intervalSec: 60 },
        },
      },
      {
        priority: 2100,
        action: "throttle",
        match: { versionedExpr: "SRC_IPS_V1", config: { srcIpRanges: ["*"] } },
        rateLimitOptions: {
          enforceOnKey: "IP",
          conformAction: "allow",
          exceedAction: "deny(429)",
          rateLimitThreshold: threshold,
        },
      },
      {
        priority: 2147483647,
        action: "allow",
        match: { versionedExpr: "SRC_IPS_V1", config: { srcIpRanges: ["*"] } },
      },
    ];
    const tally = send(new ArmorPolicy(old), 5000, () => ({
      ip: "198.51.100.7",
      headers: { "X-Api-Key": randomApiKey() },
    }));
    assert.deepEqual(tally, { allow: 5000 });
    // Nor does one rule keyed on IP + X-Api-Key help: each random key opens a fresh bucket.
    const combined: Rule = {
      ...old[1]!,
      rateLimitOptions: {
        ...old[1]!.rateLimitOptions!,
        enforceOnKey: undefined,
        enforceOnKeyConfigs: [
          { enforceOnKeyType: "IP" },
          { enforceOnKeyType: "HTTP_HEADER", enforceOnKeyName: "X-Api-Key" },
        ],
      },
    };
    const both = send(new ArmorPolicy([combined, old[2]!]), 5000, () => ({
      ip: "198.51.100.7",
      headers: { "X-Api-Key": randomApiKey() },
    }));
    assert.deepEqual(both, { allow: 5000 });
  });

  test("WAF denials are evaluated before the throttle can allow a request", async () => {
    const { resources } = await buildTestStack();
    const rules = armorRules(resources);
    const lastWaf = Math.max(...wafRules(rules).map((r) => r.priority));
    for (const rule of throttles(rules)) assert.ok(rule.priority > lastWaf, `throttle at ${rule.priority}`);
    const priorities = rules.map((r) => r.priority);
    assert.equal(new Set(priorities).size, priorities.length, "priorities are unique");
    const policy = new ArmorPolicy(rules);
    assert.equal(policy.evaluate({ ip: "198.51.100.9", trips: "sqli-v33-stable" }).action, "deny(403)");
    assert.equal(policy.evaluate({ ip: "198.51.100.9" }).action, "allow");
  });

  test("no rule is in preview and every description fits Cloud Armor's 64 characters", async () => {
    const { resources } = await buildTestStack();
    for (const rule of armorRules(resources)) {
      assert.notEqual(rule.preview, true, `rule ${rule.priority} only logs`);
      assert.ok((rule.description ?? "").length <= 64, `rule ${rule.priority}: "${rule.description}"`);
    }
  });

  test("adaptive protection is on and, without Cloud Armor Enterprise, only alerts (as the README says)", async () => {
    const { resources } = await buildTestStack();
    const policy = armorPolicy(resources);
    const adaptive = policy.inputs.adaptiveProtectionConfig as {
      layer7DdosDefenseConfig?: { enable?: boolean };
      autoDeployConfig?: unknown;
    };
    assert.equal(adaptive.layer7DdosDefenseConfig?.enable, true);
    assert.equal(
      adaptive.autoDeployConfig,
      undefined,
      "auto-deploy without Enterprise would be a false claim",
    );
    assert.deepEqual(ofType(resources, "gcp:compute/projectCloudArmorTier:ProjectCloudArmorTier"), []);
    const strings = armorRules(resources).flatMap((rule) => allStrings(rule));
    assert.ok(!strings.some((s) => s.includes("evaluateAdaptiveProtectionAutoDeploy")));
  });

  test("the threshold comes from the stack config", async () => {
    const config = testConfig({ rateLimits: { perIp: { count: 90, intervalSec: 30 } } });
    const { resources } = await buildTestStack(config);
    const limits = throttles(armorRules(resources)).map((r) => r.rateLimitOptions?.rateLimitThreshold);
    assert.deepEqual(limits, [{ count: 90, intervalSec: 30 }]);
  });

  test("intervals Cloud Armor would refuse are rejected before deploying", () => {
    const config = testConfig();
    assert.throws(
      () => validateConfig({ ...config, rateLimits: { perIp: { count: 10, intervalSec: 45 } } }),
      /intervalSec must be one of/,
    );
  });
});
