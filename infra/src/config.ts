import * as pulumi from "@pulumi/pulumi";

/** A cell is one project + region that hosts WhatsApp instance services (about 1,000 per cell). */
export interface Cell {
  id: string;
  project: string;
  region: string;
  /** Range for the cell's Direct VPC egress subnet; each instance service holds a few addresses. */
  subnetCidr: string;
  /**
   * A cell in the control-plane project lets the provisioner act as any service account there,
   * so it must be acknowledged explicitly (see README, "Cells").
   */
  sharesControlPlaneProject: boolean;
}

export interface RateLimit {
  count: number;
  intervalSec: number;
}

export interface BreakGlass {
  /** Google group of operators; the only human principal this program ever binds. */
  group: string;
  roles: string[];
  /** RFC 3339 time after which the grant stops working; no binding exists while unset. */
  expiresAt: string | undefined;
}

export interface IdentityProviders {
  googleClientId: string;
  googleClientSecret: pulumi.Input<string>;
  githubClientId: string;
  githubClientSecret: pulumi.Input<string>;
}

export interface InfraConfig {
  /** Control-plane project: functions, Firestore, secrets, edge. Hosts the (Shared) VPC. */
  project: string;
  /** Region of the Cloud Functions and of the webhook queue. */
  region: string;
  firestoreLocation: string;
  apiDomain: string;
  /** Cloud Run service behind the `api` function (2nd gen functions run as lower-cased services). */
  apiServiceName: string;
  functionsSubnetCidr: string;
  natIpsPerRegion: number;
  webhookQueueName: string;
  authorizedDomains: string[];
  identity: IdentityProviders;
  rateLimits: { perApiKey: RateLimit; perIp: RateLimit };
  breakGlass: BreakGlass;
  /** Members (service accounts or groups) allowed to push instance images. */
  imagePublishers: string[];
  cells: Cell[];
}

/** Roles that grant broad access to every service; never bound by this program. */
export const PRIMITIVE_ROLES = ["roles/owner", "roles/editor", "roles/viewer"] as const;

/** Roles that can read secret payloads; key material is never shown to a human, even in break-glass. */
export const SECRET_READING_ROLES = [
  "roles/secretmanager.secretAccessor",
  "roles/secretmanager.admin",
] as const;

/** Interval values Cloud Armor accepts for rate-based rules. */
const ARMOR_INTERVALS = [10, 30, 60, 120, 180, 240, 300, 600, 900, 1200, 1800, 2700, 3600];

/** A break-glass window longer than this is a standing grant in disguise. */
export const MAX_BREAK_GLASS_HOURS = 24;

const REGION = /^[a-z]+-[a-z]+\d$/;
const CIDR = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;
const MEMBER = /^(serviceAccount|group):[^\s@]+@[^\s@]+$/;

function cidrRange(cidr: string): [number, number] | undefined {
  const match = CIDR.exec(cidr);
  if (!match) return undefined;
  const octets = match.slice(1, 5).map(Number);
  const bits = Number(match[5]);
  if (octets.some((o) => o > 255) || bits < 8 || bits > 29) return undefined;
  const base = octets.reduce((acc, o) => acc * 256 + o, 0);
  const size = 2 ** (32 - bits);
  if (base % size !== 0) return undefined;
  return [base, base + size - 1];
}

function checkRateLimit(name: string, limit: RateLimit, errors: string[]): void {
  if (!Number.isInteger(limit.count) || limit.count < 1)
    errors.push(`${name}.count must be a positive integer`);
  if (!ARMOR_INTERVALS.includes(limit.intervalSec)) {
    errors.push(`${name}.intervalSec must be one of ${ARMOR_INTERVALS.join(", ")}`);
  }
}

function checkBreakGlass(breakGlass: BreakGlass, now: Date, errors: string[]): void {
  for (const role of breakGlass.roles) {
    if ((PRIMITIVE_ROLES as readonly string[]).includes(role)) {
      errors.push(`breakGlass.roles must not contain primitive role ${role}`);
    }
    if ((SECRET_READING_ROLES as readonly string[]).includes(role)) {
      errors.push(`breakGlass.roles must not contain ${role}: rotation only adds versions`);
    }
  }
  if (breakGlass.expiresAt === undefined) return;
  if (!/^[^\s@]+@[^\s@]+$/.test(breakGlass.group)) errors.push("breakGlass.group must be a group email");
  const expiry = Date.parse(breakGlass.expiresAt);
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/.test(breakGlass.expiresAt) || Number.isNaN(expiry)) {
    errors.push("breakGlass.expiresAt must be an RFC 3339 UTC time such as 2030-01-01T12:00:00Z");
  } else if (expiry - now.getTime() > MAX_BREAK_GLASS_HOURS * 3_600_000) {
    errors.push(`breakGlass.expiresAt must be at most ${MAX_BREAK_GLASS_HOURS} hours from now`);
  }
}

function checkCells(config: InfraConfig, errors: string[]): void {
  if (config.cells.length === 0) errors.push("cells must list at least one cell");
  const ids = new Set<string>();
  const ranges: Array<[string, [number, number]]> = [];
  const functionsRange = cidrRange(config.functionsSubnetCidr);
  if (functionsRange) ranges.push(["functionsSubnetCidr", functionsRange]);
  else errors.push("functionsSubnetCidr must be an aligned IPv4 CIDR between /8 and /29");
  for (const cell of config.cells) {
    if (!/^[a-z][a-z0-9-]{0,19}$/.test(cell.id))
      errors.push(`cell id "${cell.id}" must match [a-z][a-z0-9-]{0,19}`);
    if (ids.has(cell.id)) errors.push(`cell id "${cell.id}" is repeated`);
    ids.add(cell.id);
    if (!REGION.test(cell.region))
      errors.push(`cell ${cell.id}: region "${cell.region}" is not a region name`);
    if (cell.project === config.project && !cell.sharesControlPlaneProject) {
      errors.push(
        `cell ${cell.id} is in the control-plane project: set sharesControlPlaneProject to accept it`,
      );
    }
    const range = cidrRange(cell.subnetCidr);
    if (!range) errors.push(`cell ${cell.id}: subnetCidr must be an aligned IPv4 CIDR between /8 and /29`);
    else ranges.push([`cell ${cell.id}`, range]);
  }
  for (const [i, [nameA, a]] of ranges.entries()) {
    for (const [nameB, b] of ranges.slice(i + 1)) {
      if (a[0] <= b[1] && b[0] <= a[1]) errors.push(`${nameA} and ${nameB} have overlapping ranges`);
    }
  }
}

/** Validates a whole config at once so an operator sees every mistake in one `pulumi up`. */
export function validateConfig(config: InfraConfig, now: Date = new Date()): InfraConfig {
  const errors: string[] = [];
  if (!REGION.test(config.region)) errors.push(`region "${config.region}" is not a region name`);
  if (!/^[a-z0-9-]+(\.[a-z0-9-]+)+$/.test(config.apiDomain)) errors.push("apiDomain must be a DNS name");
  if (!Number.isInteger(config.natIpsPerRegion) || config.natIpsPerRegion < 1) {
    errors.push("natIpsPerRegion must be a positive integer");
  }
  checkRateLimit("rateLimits.perApiKey", config.rateLimits.perApiKey, errors);
  checkRateLimit("rateLimits.perIp", config.rateLimits.perIp, errors);
  checkBreakGlass(config.breakGlass, now, errors);
  for (const member of config.imagePublishers) {
    if (!MEMBER.test(member))
      errors.push(`imagePublishers: "${member}" must be a serviceAccount: or group: member`);
  }
  checkCells(config, errors);
  if (errors.length > 0) throw new Error(`invalid wsapi config:\n- ${errors.join("\n- ")}`);
  return config;
}

interface RawCell {
  id: string;
  project?: string;
  region: string;
  subnetCidr: string;
  sharesControlPlaneProject?: boolean;
}

/** Reads the stack configuration (`wsapi:*` keys, see Pulumi.yaml) into a validated InfraConfig. */
export function loadConfig(): InfraConfig {
  const wsapi = new pulumi.Config("wsapi");
  const gcpConfig = new pulumi.Config("gcp");
  const project = wsapi.get("project") ?? gcpConfig.require("project");
  const region = wsapi.get("region") ?? gcpConfig.get("region") ?? "europe-west1";
  const breakGlass = wsapi.getObject<Partial<BreakGlass>>("breakGlass") ?? {};
  const rateLimits = wsapi.getObject<Partial<InfraConfig["rateLimits"]>>("rateLimits") ?? {};
  const rawCells = wsapi.requireObject<RawCell[]>("cells");
  return validateConfig({
    project,
    region,
    firestoreLocation: wsapi.get("firestoreLocation") ?? region,
    apiDomain: wsapi.require("apiDomain"),
    apiServiceName: wsapi.get("apiServiceName") ?? "api",
    functionsSubnetCidr: wsapi.get("functionsSubnetCidr") ?? "10.8.0.0/22",
    natIpsPerRegion: wsapi.getNumber("natIpsPerRegion") ?? 2,
    webhookQueueName: wsapi.get("webhookQueueName") ?? "webhook-deliveries",
    authorizedDomains: wsapi.getObject<string[]>("authorizedDomains") ?? [],
    identity: {
      googleClientId: wsapi.require("googleClientId"),
      googleClientSecret: wsapi.requireSecret("googleClientSecret"),
      githubClientId: wsapi.require("githubClientId"),
      githubClientSecret: wsapi.requireSecret("githubClientSecret"),
    },
    rateLimits: {
      perApiKey: rateLimits.perApiKey ?? { count: 1200, intervalSec: 60 },
      perIp: rateLimits.perIp ?? { count: 2400, intervalSec: 60 },
    },
    breakGlass: {
      group: breakGlass.group ?? "",
      roles: breakGlass.roles ?? ["roles/logging.viewer", "roles/run.viewer", "roles/datastore.viewer"],
      expiresAt: breakGlass.expiresAt,
    },
    imagePublishers: wsapi.getObject<string[]>("imagePublishers") ?? [],
    cells: rawCells.map((cell) => ({
      id: cell.id,
      project: cell.project ?? project,
      region: cell.region,
      subnetCidr: cell.subnetCidr,
      sharesControlPlaneProject: cell.sharesControlPlaneProject ?? false,
    })),
  });
}
