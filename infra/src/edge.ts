import * as gcp from "@pulumi/gcp";
import type { InfraConfig, RateLimit } from "./config.ts";

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
export const API_KEY_HEADER = "X-Api-Key";
export const RATE_LIMITED_ACTION = "deny(429)";
export const DEFAULT_RULE_PRIORITY = 2147483647;

function throttle(limit: RateLimit, key: { enforceOnKey: string; enforceOnKeyName?: string }) {
  return {
    conformAction: "allow",
    exceedAction: RATE_LIMITED_ACTION,
    rateLimitThreshold: { count: limit.count, intervalSec: limit.intervalSec },
    ...key,
  };
}

/**
 * Cloud Armor stops at the first matching rule, and a throttle that is under its limit allows.
 * So WAF denials come first, then one throttle per kind of caller: keyed callers per key, the rest per IP.
 */
export function securityPolicyRules(config: InfraConfig): gcp.types.input.compute.SecurityPolicyRule[] {
  const waf = WAF_RULE_SETS.map((ruleSet, i) => ({
    priority: 1000 + i,
    action: "deny(403)",
    description: `OWASP CRS ${ruleSet}`,
    match: {
      expr: { expression: `evaluatePreconfiguredWaf('${ruleSet}', {'sensitivity': ${WAF_SENSITIVITY}})` },
    },
  }));
  return [
    ...waf,
    {
      priority: 2000,
      action: "throttle",
      description: `per API key: ${config.rateLimits.perApiKey.count}/${config.rateLimits.perApiKey.intervalSec}s`,
      match: { expr: { expression: `has(request.headers['${API_KEY_HEADER.toLowerCase()}'])` } },
      rateLimitOptions: throttle(config.rateLimits.perApiKey, {
        enforceOnKey: "HTTP_HEADER",
        enforceOnKeyName: API_KEY_HEADER,
      }),
    },
    {
      priority: 2100,
      action: "throttle",
      description: `per client IP: ${config.rateLimits.perIp.count}/${config.rateLimits.perIp.intervalSec}s`,
      match: { versionedExpr: "SRC_IPS_V1", config: { srcIpRanges: ["*"] } },
      rateLimitOptions: throttle(config.rateLimits.perIp, { enforceOnKey: "IP" }),
    },
    {
      priority: DEFAULT_RULE_PRIORITY,
      action: "allow",
      description: "default",
      match: { versionedExpr: "SRC_IPS_V1", config: { srcIpRanges: ["*"] } },
    },
  ];
}

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
    adaptiveProtectionConfig: { layer7DdosDefenseConfig: { enable: true } },
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
