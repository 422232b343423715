import { readFileSync } from "node:fs";
import * as pulumi from "@pulumi/pulumi";

/** The three identities of functions/deployment.json: each function runs as exactly one. */
export const IDENTITIES = ["gateway", "controlPlane", "provisioner"] as const;
export type Identity = (typeof IDENTITIES)[number];

/**
 * What this program reads from functions/deployment.json, the one deployment configuration the
 * functions' triggers are built from. Stack config cannot override any of it.
 */
export interface Deployment {
  region: string;
  network: string;
  subnetwork: string;
  serviceAccounts: Record<Identity, string>;
  /** Identities that get roles/run.invoker on each instance service (set by the provisioner). */
  instanceInvokers: Identity[];
  functions: Record<string, { identity: Identity; ingress: string; vpcEgress: boolean }>;
  /** Queues `firebase deploy` creates for onTaskDispatched functions, and who may enqueue. */
  taskQueues: Record<string, { enqueuers: Identity[] }>;
}

/** functions/deployment.json, found relative to this module so `pulumi up` works from any directory. */
export const DEPLOYMENT_JSON = new URL("../../functions/deployment.json", import.meta.url);

/** The function behind the HTTPS load balancer; 2nd gen functions run as Cloud Run services of that name. */
export const API_FUNCTION = "api";

const REGION = /^[a-z]+-[a-z]+\d$/;
const INGRESS = ["ALLOW_ALL", "ALLOW_INTERNAL_ONLY", "ALLOW_INTERNAL_AND_GCLB"];
const ACCOUNT_ID = /^[a-z][a-z0-9-]{4,28}[a-z0-9]$/;
const NAME = /^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/;

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);
const isIdentity = (value: unknown): value is Identity => IDENTITIES.includes(value as Identity);

/** The same rules as functions/src/deployment.ts, checked by hand: infra imports no code from functions/. */
export function parseDeployment(raw: unknown): Deployment {
  const errors: string[] = [];
  const root = isRecord(raw) ? raw : {};
  if (!isRecord(raw)) errors.push("deployment.json must be an object");
  const region = root.region;
  if (typeof region !== "string" || !REGION.test(region)) errors.push("region must be a region name");
  for (const key of ["network", "subnetwork"] as const) {
    if (typeof root[key] !== "string" || !NAME.test(root[key] as string))
      errors.push(`${key} must be a VPC resource name`);
  }
  const accounts = isRecord(root.serviceAccounts) ? root.serviceAccounts : {};
  for (const who of IDENTITIES) {
    const id = accounts[who];
    if (typeof id !== "string" || !ACCOUNT_ID.test(id))
      errors.push(`serviceAccounts.${who} must be a service account id`);
  }
  for (const who of Object.keys(accounts)) {
    if (!isIdentity(who)) errors.push(`serviceAccounts.${who} is not an identity`);
  }
  if (new Set(Object.values(accounts)).size !== Object.keys(accounts).length)
    errors.push("serviceAccounts must be three different accounts");
  const invokers = root.instanceInvokers;
  if (!Array.isArray(invokers) || invokers.length === 0 || !invokers.every(isIdentity))
    errors.push("instanceInvokers must list identities");
  const functions = isRecord(root.functions) ? root.functions : {};
  if (!isRecord(root.functions)) errors.push("functions must be an object");
  for (const [name, spec] of Object.entries(functions)) {
    if (!/^[a-z][a-z0-9]*$/.test(name)) errors.push(`function name ${name} must be lower-case`);
    if (!isRecord(spec) || !isIdentity(spec.identity) || !INGRESS.includes(spec.ingress as string)) {
      errors.push(`functions.${name} needs an identity and an ingress`);
    } else if (typeof spec.vpcEgress !== "boolean")
      errors.push(`functions.${name}.vpcEgress must be a boolean`);
  }
  const api = functions[API_FUNCTION];
  if (!isRecord(api) || api.ingress !== "ALLOW_INTERNAL_AND_GCLB")
    errors.push(
      `function ${API_FUNCTION} must exist with ingress ALLOW_INTERNAL_AND_GCLB (the load balancer's backend)`,
    );
  const queues = isRecord(root.taskQueues) ? root.taskQueues : {};
  for (const [name, queue] of Object.entries(queues)) {
    if (!functions[name]) errors.push(`taskQueues.${name} has no function`);
    const enqueuers = isRecord(queue) ? queue.enqueuers : undefined;
    if (!Array.isArray(enqueuers) || enqueuers.length === 0 || !enqueuers.every(isIdentity))
      errors.push(`taskQueues.${name}.enqueuers must list identities`);
  }
  if (errors.length > 0) throw new Error(`invalid functions/deployment.json:\n- ${errors.join("\n- ")}`);
  return {
    region: region as string,
    network: root.network as string,
    subnetwork: root.subnetwork as string,
    serviceAccounts: Object.fromEntries(IDENTITIES.map((who) => [who, accounts[who]])) as Record<
      Identity,
      string
    >,
    instanceInvokers: [...new Set(invokers as Identity[])],
    functions: Object.fromEntries(
      Object.entries(functions).map(([name, spec]) => {
        const { identity, ingress, vpcEgress } = spec as Deployment["functions"][string];
        return [name, { identity, ingress, vpcEgress }];
      }),
    ),
    taskQueues: Object.fromEntries(
      Object.entries(queues).map(([name, queue]) => [
        name,
        { enqueuers: [...new Set((queue as { enqueuers: Identity[] }).enqueuers)] },
      ]),
    ),
  };
}

export function readDeployment(file: URL = DEPLOYMENT_JSON): Deployment {
  return parseDeployment(JSON.parse(readFileSync(file, "utf8")));
}

/** Identities that run at least one function whose queue they, or anyone, enqueue to. */
export function enqueuersOf(deployment: Deployment): Identity[] {
  const all = Object.values(deployment.taskQueues).flatMap((queue) => queue.enqueuers);
  return IDENTITIES.filter((who) => all.includes(who));
}

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
  /** Google group of operators: eligible to request the break-glass entitlement, holding no role otherwise. */
  group: string;
  /** Google group whose members approve or deny each request; must differ from `group`. */
  approvers: string;
  /** Roles an approved request carries, on the control-plane and every cell project. */
  roles: string[];
  /** Refused: the expiring IAM binding it opened was replaced by Privileged Access Manager. */
  expiresAt?: string | undefined;
}

export interface IdentityProviders {
  googleClientId: string;
  googleClientSecret: pulumi.Input<string>;
  githubClientId: string;
  githubClientSecret: pulumi.Input<string>;
}

export interface InfraConfig {
  /** Control-plane project (`gcp:project`): functions, Firestore, secrets, edge. Hosts the (Shared) VPC. */
  project: string;
  /** functions/deployment.json: region, network names, identities, queues. */
  deployment: Deployment;
  /** Region of the functions, secrets and registry: always `deployment.region`. */
  region: string;
  firestoreLocation: string;
  apiDomain: string;
  /** Cloud Run service behind the load balancer: always the `api` function. */
  apiServiceName: string;
  functionsSubnetCidr: string;
  natIpsPerRegion: number;
  authorizedDomains: string[];
  identity: IdentityProviders;
  /** The edge throttle, per client IP, for every request; the per-key limit is the gateway's, by plan. */
  rateLimits: { perIp: RateLimit };
  breakGlass: BreakGlass;
  /** Members (service accounts or groups) allowed to push instance images. */
  imagePublishers: string[];
  /** Email addresses the paging alert policies notify (infra/src/monitoring.ts); may be empty. */
  alertEmails: string[];
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

/** A break-glass grant longer than this is a standing grant in disguise. */
export const MAX_BREAK_GLASS_HOURS = 24;

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

function checkBreakGlass(breakGlass: BreakGlass, errors: string[]): void {
  for (const role of breakGlass.roles) {
    if ((PRIMITIVE_ROLES as readonly string[]).includes(role)) {
      errors.push(`breakGlass.roles must not contain primitive role ${role}`);
    }
    if ((SECRET_READING_ROLES as readonly string[]).includes(role)) {
      errors.push(`breakGlass.roles must not contain ${role}: rotation only adds versions`);
    }
  }
  if (breakGlass.expiresAt !== undefined) {
    errors.push(
      "breakGlass.expiresAt is no longer read: request a Privileged Access Manager grant (infra/README.md, Break-glass)",
    );
  }
  // Neither group set: no entitlement, so no human access at all (a warning says so at `pulumi up`).
  if (breakGlass.group === "" && breakGlass.approvers === "") return;
  if (breakGlass.roles.length === 0) errors.push("breakGlass.roles must list at least one role");
  const email = /^[^\s@]+@[^\s@]+$/;
  if (!email.test(breakGlass.group)) errors.push("breakGlass.group must be a group email");
  if (!email.test(breakGlass.approvers)) errors.push("breakGlass.approvers must be a group email");
  else if (breakGlass.approvers.toLowerCase() === breakGlass.group.toLowerCase()) {
    errors.push("breakGlass.approvers must differ from breakGlass.group: nobody approves their own request");
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
export function validateConfig(config: InfraConfig): InfraConfig {
  const errors: string[] = [];
  // region and apiServiceName exist for the modules that read them; they cannot differ from deployment.json.
  if (config.region !== config.deployment.region)
    errors.push(`region "${config.region}" differs from deployment.json's "${config.deployment.region}"`);
  if (config.apiServiceName !== API_FUNCTION) errors.push(`apiServiceName must be "${API_FUNCTION}"`);
  if (!/^[a-z0-9-]+(\.[a-z0-9-]+)+$/.test(config.apiDomain)) errors.push("apiDomain must be a DNS name");
  if (!Number.isInteger(config.natIpsPerRegion) || config.natIpsPerRegion < 1) {
    errors.push("natIpsPerRegion must be a positive integer");
  }
  checkRateLimit("rateLimits.perIp", config.rateLimits.perIp, errors);
  checkBreakGlass(config.breakGlass, errors);
  for (const member of config.imagePublishers) {
    if (!MEMBER.test(member))
      errors.push(`imagePublishers: "${member}" must be a serviceAccount: or group: member`);
  }
  for (const email of config.alertEmails) {
    if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email))
      errors.push(`alertEmails: "${email}" is not an email address`);
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

/**
 * Reads the stack configuration (`gcp:project` and `wsapi:*` keys, see README.md) and
 * functions/deployment.json into a validated InfraConfig.
 */
export function loadConfig(deployment: Deployment = readDeployment()): InfraConfig {
  const wsapi = new pulumi.Config("wsapi");
  const gcpConfig = new pulumi.Config("gcp");
  const project = gcpConfig.require("project");
  const region = deployment.region;
  // The provider's default region is never used (every resource names its own), but a different one would mislead.
  const providerRegion = gcpConfig.get("region");
  if (providerRegion !== undefined && providerRegion !== region) {
    throw new Error(`gcp:region "${providerRegion}" differs from functions/deployment.json's "${region}"`);
  }
  for (const removed of ["project", "region", "webhookQueueName", "apiServiceName"]) {
    if (wsapi.get(removed) !== undefined) {
      throw new Error(`wsapi:${removed} is no longer read: remove it (see infra/README.md)`);
    }
  }
  const breakGlass = wsapi.getObject<Partial<BreakGlass>>("breakGlass") ?? {};
  const rateLimits = wsapi.getObject<Partial<InfraConfig["rateLimits"]>>("rateLimits") ?? {};
  if ("perApiKey" in rateLimits) {
    throw new Error(
      "wsapi:rateLimits.perApiKey is no longer read: the gateway limits each key by plan (infra/README.md)",
    );
  }
  const rawCells = wsapi.requireObject<RawCell[]>("cells");
  return validateConfig({
    project,
    deployment,
    region,
    firestoreLocation: wsapi.get("firestoreLocation") ?? region,
    apiDomain: wsapi.require("apiDomain"),
    apiServiceName: API_FUNCTION,
    functionsSubnetCidr: wsapi.get("functionsSubnetCidr") ?? "10.8.0.0/22",
    natIpsPerRegion: wsapi.getNumber("natIpsPerRegion") ?? 2,
    authorizedDomains: wsapi.getObject<string[]>("authorizedDomains") ?? [],
    identity: {
      googleClientId: wsapi.require("googleClientId"),
      googleClientSecret: wsapi.requireSecret("googleClientSecret"),
      githubClientId: wsapi.require("githubClientId"),
      githubClientSecret: wsapi.requireSecret("githubClientSecret"),
    },
    rateLimits: {
      perIp: rateLimits.perIp ?? { count: 2400, intervalSec: 60 },
    },
    breakGlass: {
      group: breakGlass.group ?? "",
      roles: breakGlass.roles ?? ["roles/logging.viewer", "roles/run.viewer", "roles/datastore.viewer"],
      approvers: breakGlass.approvers ?? "",
      expiresAt: breakGlass.expiresAt,
    },
    imagePublishers: wsapi.getObject<string[]>("imagePublishers") ?? [],
    alertEmails: wsapi.getObject<string[]>("alertEmails") ?? [],
    cells: rawCells.map((cell) => ({
      id: cell.id,
      project: cell.project ?? project,
      region: cell.region,
      subnetCidr: cell.subnetCidr,
      sharesControlPlaneProject: cell.sharesControlPlaneProject ?? false,
    })),
  });
}
