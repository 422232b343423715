import { protos } from "@google-cloud/run";
import { INSTANCE_ENV } from "@wsapi/contracts/env";
import type { RuntimeStatus } from "../../core/ports/runtime.js";
import {
  ANNOTATION_INSTANCE_ID,
  ANNOTATION_RESTARTED_AT,
  ANNOTATION_SECRET_VERSION,
  LABEL_INSTANCE,
  LABEL_OWNER,
  labelValue,
} from "./names.js";

export type CloudRunService = protos.google.cloud.run.v2.IService;

export const CONTAINER_PORT = 8080;
/** instance/src/app.ts: liveness only, unauthenticated, served as soon as the process listens. */
export const HEALTH_PATH = "/healthz";
const healthCheck = { path: HEALTH_PATH, port: CONTAINER_PORT };
// Start: up to 2 minutes (24 × 5 s) to listen; npm-free node starts in seconds, the rest is slack for
// a cold image pull. Live: three misses 30 s apart restart the container, which rejoins WhatsApp.
const STARTUP_PROBE = {
  httpGet: healthCheck,
  periodSeconds: 5,
  timeoutSeconds: 3,
  failureThreshold: 24,
};
const LIVENESS_PROBE = {
  httpGet: healthCheck,
  periodSeconds: 30,
  timeoutSeconds: 5,
  failureThreshold: 3,
};
const DETAIL_MAX = 300;
// Cloud Run sets these itself and refuses them in a spec; the secret arrives by reference only.
const RESERVED_ENV = new Set([
  "PORT",
  "K_SERVICE",
  "K_REVISION",
  "K_CONFIGURATION",
  INSTANCE_ENV.instanceSecret,
]);

interface ServiceSpecInput {
  name: string;
  instanceId: string;
  accountId: string;
  image: string;
  serviceAccount: string;
  network: string;
  subnetwork: string;
  resources: { cpu: string; memory: string };
  env: Record<string, string>;
  secretName: string;
  /** The secret version number: a new one rolls a revision, which resolves "latest" again. */
  secretVersion: string;
  restartedAt?: string;
}

/** The whole service as the adapter wants it; an update sends it again in full. */
export function buildService(input: ServiceSpecInput): CloudRunService {
  const labels = {
    [LABEL_OWNER]: labelValue(input.accountId),
    [LABEL_INSTANCE]: labelValue(input.instanceId),
  };
  const templateAnnotations: Record<string, string> = { [ANNOTATION_SECRET_VERSION]: input.secretVersion };
  if (input.restartedAt) templateAnnotations[ANNOTATION_RESTARTED_AT] = input.restartedAt;
  const env: protos.google.cloud.run.v2.IEnvVar[] = Object.entries(input.env)
    .filter(([name]) => !RESERVED_ENV.has(name))
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, value]) => ({ name, value }));
  env.push({
    name: INSTANCE_ENV.instanceSecret,
    valueSource: { secretKeyRef: { secret: input.secretName, version: "latest" } },
  });
  return {
    name: input.name,
    labels,
    annotations: { [ANNOTATION_INSTANCE_ID]: input.instanceId },
    launchStage: "GA",
    ingress: "INGRESS_TRAFFIC_INTERNAL_ONLY",
    invokerIamDisabled: false,
    // One WhatsApp session per instance: exactly one container, always warm.
    scaling: { minInstanceCount: 1, maxInstanceCount: 1, scalingMode: "AUTOMATIC" },
    template: {
      labels,
      annotations: templateAnnotations,
      serviceAccount: input.serviceAccount,
      scaling: { minInstanceCount: 1, maxInstanceCount: 1 },
      executionEnvironment: "EXECUTION_ENVIRONMENT_GEN2",
      // All egress through the cell subnet: calls to the `events` function (internal-only ingress) then
      // arrive as internal traffic from the VPC, and WhatsApp traffic leaves through the cell's Cloud
      // NAT with its static addresses. PRIVATE_RANGES_ONLY would send both out the default path.
      vpcAccess: {
        networkInterfaces: [{ network: input.network, subnetwork: input.subnetwork }],
        egress: "ALL_TRAFFIC",
      },
      containers: [
        {
          name: "instance",
          image: input.image,
          ports: [{ name: "http1", containerPort: CONTAINER_PORT }],
          env,
          startupProbe: STARTUP_PROBE,
          livenessProbe: LIVENESS_PROBE,
          // The socket to WhatsApp must keep running between requests.
          resources: { limits: input.resources, cpuIdle: false, startupCpuBoost: true },
        },
      ],
    },
  };
}

// Proto3 leaves default values out: an explicit default and a missing field are the same spec.
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.length ? value.map(canonical) : undefined;
  if (value && typeof value === "object") {
    const entries = Object.entries(value)
      .map(([key, item]) => [key, canonical(item)] as const)
      .filter(([, item]) => item !== undefined);
    return entries.length ? Object.fromEntries(entries) : undefined;
  }
  return value === "" || value === 0 || value === false || value === null ? undefined : value;
}

/** Every field `wanted` sets has that value in `actual`, which may hold more (output, defaults). */
function covers(actual: unknown, wanted: unknown): boolean {
  if (wanted === undefined) return true;
  if (Array.isArray(wanted)) {
    return (
      Array.isArray(actual) &&
      actual.length === wanted.length &&
      wanted.every((item, index) => covers(actual[index], item))
    );
  }
  if (wanted && typeof wanted === "object") {
    if (!actual || typeof actual !== "object" || Array.isArray(actual)) return false;
    const record = actual as Record<string, unknown>;
    return Object.entries(wanted).every(([key, item]) => covers(record[key], item));
  }
  return actual === wanted;
}

const Service = protos.google.cloud.run.v2.Service;
/** One form for both sides: enum names whether a response carried names or numbers. */
const normalized = (service: CloudRunService) =>
  canonical(Service.toObject(Service.fromObject(service), { enums: String, longs: String }));

/**
 * Whether the service already is what `desired` asks for, so that an ensure can wait on its
 * rollout (or do nothing) instead of starting another one.
 */
export function specMatches(existing: CloudRunService, desired: CloudRunService): boolean {
  return covers(normalized(existing), normalized(desired));
}

/** A template annotation the adapter set earlier, to carry over into the next full update. */
export function templateAnnotation(service: CloudRunService, key: string): string | undefined {
  return service.template?.annotations?.[key] || undefined;
}

const ConditionState = protos.google.cloud.run.v2.Condition.State;

// REST responses decode enums as names, operation results as numbers: accept both.
function conditionState(value: unknown): string | undefined {
  return typeof value === "number" ? ConditionState[value] : typeof value === "string" ? value : undefined;
}

export function statusOf(service: CloudRunService): RuntimeStatus {
  const status = (state: RuntimeStatus["state"], detail?: string): RuntimeStatus => {
    const result: RuntimeStatus = { state };
    if (service.uri) result.url = service.uri;
    if (detail) result.detail = detail.slice(0, DETAIL_MAX);
    return result;
  };
  const condition = service.terminalCondition;
  const state = conditionState(condition?.state);
  if (service.reconciling) return status("starting", condition?.message ?? undefined);
  if (state === "CONDITION_SUCCEEDED") return status("running");
  if (state === "CONDITION_FAILED") return status("crashed", condition?.message || "service is not ready");
  return status("starting", condition?.message ?? undefined);
}
