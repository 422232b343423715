import * as gcp from "@pulumi/gcp";
import type { InfraConfig } from "./config.ts";

/**
 * OWASP CRS 3.3 rule sets evaluated before anything reaches the `api` function. Sensitivity 1
 * keeps false positives low: message text legitimately contains quotes, angle brackets and paths.
 */
export const WAF_RULE_SETS = [
  "sqli-v33-stable",
  "xss-v33-stable",
  "lfi-v33-stable",
  "rfi-v33-stable",
  "rce-v33-stable",
  "methodenforcement-v33-stable",
  "scannerdetection-v33-stable",
  "protocolattack-v33-stable",
  "sessionfixation-v33-stable",
  "java-v33-stable",
  "nodejs-v33-stable",
] as const;

export const WAF_SENSITIVITY = 1;
export const RATE_LIMITED_ACTION = "deny(429)";
export const DEFAULT_RULE_PRIORITY = 2147483647;
export const WAF_FIRST_PRIORITY = 1000;
export const PER_IP_PRIORITY = 2000;

/**
 * Cloud Armor performs the action of the highest-priority rule that matches and evaluates nothing
 * after it; a throttle under its limit *allows*. Two throttles can therefore never both count one
 * request, and a rate limit with several keys (`enforceOnKeyConfigs`) counts each *combination* of
 * key values, so IP + X-Api-Key would give every random key a fresh bucket. The one edge throttle is
 * thus per client IP and matches every request that passed the WAF: a request carrying any
 * X-Api-Key, real or invented, is counted against its address. The per-key (per-account) limit is
 * the gateway's own limiter, which runs after the key is verified (infra/README.md, Gaps).
 */
export function securityPolicyRules(config: InfraConfig): gcp.types.input.compute.SecurityPolicyRule[] {
  const waf = WAF_RULE_SETS.map((ruleSet, i) => ({
    priority: WAF_FIRST_PRIORITY + i,
    action: "deny(403)",
    description: `OWASP CRS ${ruleSet}`,
    match: {
      expr: { expression: `evaluatePreconfiguredWaf('${ruleSet}', {'sensitivity': ${WAF_SENSITIVITY}})` },
    },
  }));
  const { perIp } = config.rateLimits;
  return [
    ...waf,
    {
      priority: PER_IP_PRIORITY,
      action: "throttle",
      description: `every request, per client IP: ${perIp.count}/${perIp.intervalSec}s`,
      match: { versionedExpr: "SRC_IPS_V1", config: { srcIpRanges: ["*"] } },
      rateLimitOptions: {
        conformAction: "allow",
        exceedAction: RATE_LIMITED_ACTION,
        enforceOnKey: "IP",
        rateLimitThreshold: { count: perIp.count, intervalSec: perIp.intervalSec },
      },
    },
    {
      priority: DEFAULT_RULE_PRIORITY,
      action: "allow",
      description: "default (unreachable: the per-IP throttle matches every request)",
      match: { versionedExpr: "SRC_IPS_V1", config: { srcIpRanges: ["*"] } },
    },
  ];
}

/**
 * Adaptive Protection on the Standard tier: it detects L7 floods and raises a basic alert (Cloud
 * Logging, Security Command Center) but deploys no rule. Automatic mitigation needs Cloud Armor
 * Enterprise (`ProjectCloudArmorTier`) plus an `evaluateAdaptiveProtectionAutoDeploy()` rule, which
 * this program does not create; infra/README.md says so.
 */
export const ADAPTIVE_PROTECTION = { layer7DdosDefenseConfig: { enable: true, ruleVisibility: "STANDARD" } };

/**
 * External HTTPS load balancer → serverless NEG → `api` function. The function's ingress is
 * `internal-and-cloud-load-balancing`, so this is the only way in from the internet.
 */
export function buildEdge(config: InfraConfig) {
  const securityPolicy = new gcp.compute.SecurityPolicy("api-armor", {
    project: config.project,
    name: "wsapi-api",
    type: "CLOUD_ARMOR",
    description: "WAF and rate limits in front of the public API",
    // Standard JSON parsing lets the WAF see JSON values instead of one opaque body string.
    advancedOptionsConfig: { jsonParsing: "STANDARD", logLevel: "NORMAL" },
    adaptiveProtectionConfig: ADAPTIVE_PROTECTION,
    rules: securityPolicyRules(config),
  });
  const sslPolicy = new gcp.compute.SSLPolicy("api-tls", {
    project: config.project,
    name: "wsapi-modern-tls12",
    profile: "MODERN",
    minTlsVersion: "TLS_1_2",
  });
  const certificate = new gcp.compute.ManagedSslCertificate("api-cert", {
    project: config.project,
    managed: { domains: [config.apiDomain] },
  });
  const neg = new gcp.compute.RegionNetworkEndpointGroup("api-neg", {
    project: config.project,
    region: config.region,
    networkEndpointType: "SERVERLESS",
    // 2nd gen functions are Cloud Run services named after the function.
    cloudRun: { service: config.apiServiceName },
  });
  const backend = new gcp.compute.BackendService("api-backend", {
    project: config.project,
    loadBalancingScheme: "EXTERNAL_MANAGED",
    protocol: "HTTPS",
    backends: [{ group: neg.id }],
    securityPolicy: securityPolicy.selfLink,
    customResponseHeaders: ["Strict-Transport-Security: max-age=31536000; includeSubDomains"],
    logConfig: { enable: true, sampleRate: 1 },
  });
  const urlMap = new gcp.compute.URLMap("api-urlmap", {
    project: config.project,
    defaultService: backend.id,
  });
  const httpsProxy = new gcp.compute.TargetHttpsProxy("api-https-proxy", {
    project: config.project,
    urlMap: urlMap.id,
    sslCertificates: [certificate.id],
    sslPolicy: sslPolicy.id,
  });
  const address = new gcp.compute.GlobalAddress("api-ip", { project: config.project });
  // HTTPS only: a port-80 redirect would invite clients to send X-Api-Key in clear text first.
  const forwardingRule = new gcp.compute.GlobalForwardingRule("api-https", {
    project: config.project,
    loadBalancingScheme: "EXTERNAL_MANAGED",
    ipProtocol: "TCP",
    portRange: "443",
    ipAddress: address.address,
    target: httpsProxy.id,
  });
  return {
    securityPolicy,
    sslPolicy,
    certificate,
    neg,
    backend,
    urlMap,
    httpsProxy,
    address,
    forwardingRule,
  };
}
