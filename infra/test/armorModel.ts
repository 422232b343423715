/**
 * A model of how Cloud Armor evaluates a backend security policy, to test rule *order*, which no
 * single-rule assertion can: rules run from the lowest priority number; the first rule whose match
 * condition holds decides and nothing after it is evaluated; a throttle counts the request in the
 * bucket of its key and allows it while the count is within the threshold (`conformAction`), then
 * applies `exceedAction`. A rate limit with several keys counts each combination of key values.
 * (cloud.google.com/armor/docs/create-security-policy-rules, .../rate-limiting-overview.)
 * All requests fall in one threshold interval; expressions the model does not know are refused.
 */

export interface ArmorRule {
  priority: number;
  action: string;
  description?: string;
  preview?: boolean;
  match: { expr?: { expression: string }; versionedExpr?: string; config?: { srcIpRanges: string[] } };
  rateLimitOptions?: {
    enforceOnKey?: string;
    enforceOnKeyName?: string;
    enforceOnKeyConfigs?: Array<{ enforceOnKeyType: string; enforceOnKeyName?: string }>;
    conformAction: string;
    exceedAction: string;
    rateLimitThreshold: { count: number; intervalSec: number };
  };
}

export interface ArmorRequest {
  ip: string;
  headers?: Record<string, string>;
  /** The preconfigured WAF rule set this request would trip, if any (e.g. "sqli-v33-stable"). */
  trips?: string;
}

export interface ArmorDecision {
  priority: number;
  action: string;
}

const WAF = /^evaluatePreconfiguredWaf\('([a-z0-9-]+)', \{'sensitivity': \d\}\)$/;
const HAS_HEADER = /^has\(request\.headers\['([a-z0-9-]+)'\]\)$/;

function header(request: ArmorRequest, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(request.headers ?? {})) {
    if (key.toLowerCase() === wanted) return value;
  }
  return undefined;
}

function matches(rule: ArmorRule, request: ArmorRequest): boolean {
  if (rule.match.versionedExpr !== undefined) {
    if (rule.match.versionedExpr !== "SRC_IPS_V1") throw new Error(`unknown ${rule.match.versionedExpr}`);
    const ranges = rule.match.config?.srcIpRanges ?? [];
    return ranges.includes("*") || ranges.includes(request.ip) || ranges.includes(`${request.ip}/32`);
  }
  const expression = rule.match.expr?.expression;
  if (expression === undefined) throw new Error(`rule ${rule.priority} has no match condition`);
  const waf = WAF.exec(expression);
  if (waf) return request.trips === waf[1];
  const has = HAS_HEADER.exec(expression);
  if (has) return header(request, has[1]!) !== undefined;
  throw new Error(`the model does not know the expression ${expression}`);
}

function keyPart(type: string, name: string | undefined, request: ArmorRequest): string {
  switch (type) {
    case "ALL":
      return "ALL";
    case "IP":
      return `ip:${request.ip}`;
    // A missing header or cookie falls back to ALL: every such request shares one bucket.
    case "HTTP_HEADER":
      return `header:${header(request, name ?? "") ?? "ALL"}`;
    default:
      throw new Error(`the model does not know the rate limit key ${type}`);
  }
}

function bucketKey(rule: ArmorRule, request: ArmorRequest): string {
  const options = rule.rateLimitOptions;
  if (!options) throw new Error(`throttle ${rule.priority} has no rateLimitOptions`);
  if (options.enforceOnKeyConfigs && options.enforceOnKeyConfigs.length > 0) {
    return options.enforceOnKeyConfigs
      .map((c) => keyPart(c.enforceOnKeyType, c.enforceOnKeyName, request))
      .join("+");
  }
  return keyPart(options.enforceOnKey ?? "ALL", options.enforceOnKeyName, request);
}

/** One security policy with its counters; `evaluate` is what Cloud Armor does for one request. */
export class ArmorPolicy {
  private readonly rules: ArmorRule[];
  private readonly counts = new Map<string, number>();

  constructor(rules: ArmorRule[]) {
    this.rules = [...rules].sort((a, b) => a.priority - b.priority);
  }

  evaluate(request: ArmorRequest): ArmorDecision {
    for (const rule of this.rules) {
      if (rule.preview) continue;
      if (!matches(rule, request)) continue;
      if (rule.action !== "throttle") return { priority: rule.priority, action: rule.action };
      const options = rule.rateLimitOptions!;
      const bucket = `${rule.priority}|${bucketKey(rule, request)}`;
      const count = (this.counts.get(bucket) ?? 0) + 1;
      this.counts.set(bucket, count);
      const action = count <= options.rateLimitThreshold.count ? options.conformAction : options.exceedAction;
      return { priority: rule.priority, action };
    }
    throw new Error("no rule matched: a policy always ends with a default rule");
  }
}
