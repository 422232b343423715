import { z } from "zod";
import { MAX_EVENT_RETENTION_MS } from "./core/eventLog.js";

// Typed runtime configuration, parsed once per cold start from params and the environment.
const cellSchema = z.object({
  id: z.string().min(1),
  projectId: z.string().min(1),
  region: z.string().min(1),
  capacity: z.number().int().positive().default(1000),
  network: z.string().optional(),
  subnetwork: z.string().optional(),
});

const configSchema = z.object({
  emulated: z.boolean(),
  projectId: z.string().min(1),
  dataKeys: z.string().min(1),
  apiKeyPepper: z.string().min(32),
  gatewaySigningKey: z.string().optional(),
  sessionTtlMs: z
    .number()
    .int()
    .min(5 * 60_000)
    .max(14 * 24 * 3600_000),
  runtime: z.enum(["local", "cloudrun"]),
  supervisorUrl: z.string(),
  eventsUrl: z.string(),
  instanceTransport: z.enum(["baileys", "simulator"]),
  simulatorUrl: z.string(),
  cells: z.array(cellSchema),
  instanceImage: z.string(),
  /** Multiplies the webhook retry schedule; below 1 only when emulated, so tests see retries fast. */
  webhookScheduleScale: z.coerce.number().positive().max(1).default(1),
  webhookSecretGraceMs: z.number().int().nonnegative(),
  /** How long the event log keeps an event for stream replay: 1 h to 72 h (within the webhook retry window). */
  eventRetentionMs: z
    .number()
    .int()
    .min(3600_000, "WSAPI_EVENT_RETENTION_HOURS must be at least 1")
    .max(MAX_EVENT_RETENTION_MS, "WSAPI_EVENT_RETENTION_HOURS must be at most 72 (the webhook retry window)"),
  /** Shared rate-limit store; "" only in the emulators (limits then count per process). */
  redisUrl: z.string(),
  redisAuth: z.string().optional(),
  /** Sign-ups allowed per client address per window. */
  signupLimit: z.object({ points: z.number().int().positive(), windowSeconds: z.number().int().positive() }),
  /** "" the Telemetry API (Cloud Monitoring), "off" none, else an OTLP/HTTP metrics URL. */
  metricsUrl: z.union([z.literal(""), z.literal("off"), z.url()]),
});

export type RuntimeConfig = z.infer<typeof configSchema>;

export interface RawConfig {
  dataKeys: string;
  apiKeyPepper: string;
  gatewaySigningKey?: string;
  sessionDays: number;
  runtime: string;
  supervisorUrl: string;
  eventsUrl: string;
  instanceTransport: string;
  simulatorUrl: string;
  cells: string;
  instanceImage: string;
  webhookScheduleScale: string;
  webhookSecretGraceHours: number;
  eventRetentionHours?: number;
  redisUrl?: string;
  redisAuth?: string;
  signupLimit?: string;
  metricsUrl?: string;
}

/** Every problem found at cold start, so one deploy fixes them all. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(
      `Refusing to start: the configuration has ${problems.length} problem(s):\n  - ${problems.join("\n  - ")}`,
    );
    this.name = "ConfigError";
  }
}

/** Project ids starting with demo- exist only inside the Firebase Emulator Suite (the Firebase convention). */
const DEMO_PROJECT_PREFIX = "demo-";

function projectIdOf(env: NodeJS.ProcessEnv): string | undefined {
  if (env.GCLOUD_PROJECT) return env.GCLOUD_PROJECT;
  // FIREBASE_CONFIG is JSON text as Firebase sets it (firebase-admin also accepts a file path).
  try {
    const projectId = JSON.parse(env.FIREBASE_CONFIG ?? "{}")?.projectId;
    return typeof projectId === "string" && projectId ? projectId : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Emulated: the Functions emulator running a demo-* project. Every local relaxation (local key ring,
 * loopback webhooks, local runtime, simulator, compressed retries, plain-HTTP callbacks) needs it.
 */
export function isEmulated(env: NodeJS.ProcessEnv = process.env): boolean {
  return env.FUNCTIONS_EMULATOR === "true" && (projectIdOf(env)?.startsWith(DEMO_PROJECT_PREFIX) ?? false);
}

function isLoopbackRedis(url: string): boolean {
  try {
    return ["127.0.0.1", "localhost", "[::1]"].includes(new URL(url).hostname);
  } catch {
    return false;
  }
}

/** "5/hour" → 5 per 3600 s; undefined when malformed. */
function parseSignupLimit(text: string): { points: number; windowSeconds: number } | undefined {
  const match = /^(\d{1,6})\/(hour|minute)$/.exec(text.trim());
  if (!match || Number(match[1]) < 1) return undefined;
  return { points: Number(match[1]), windowSeconds: match[2] === "hour" ? 3600 : 60 };
}

/** The settings that only make sense against the local stack, each named as the param that sets it. */
function localRelaxations(raw: RawConfig): string[] {
  const found: string[] = [];
  const scale = raw.webhookScheduleScale.trim();
  if (scale !== "" && Number(scale) !== 1)
    found.push(`WSAPI_WEBHOOK_SCHEDULE_SCALE=${scale}: a compressed webhook retry schedule`);
  if (raw.runtime === "local")
    found.push("WSAPI_RUNTIME=local: instances as processes of a local supervisor");
  if (raw.instanceTransport === "simulator")
    found.push("WSAPI_INSTANCE_TRANSPORT=simulator: the simulated WhatsApp network");
  if (raw.supervisorUrl) found.push("WSAPI_SUPERVISOR_URL is set: the local instance supervisor");
  if (raw.simulatorUrl) found.push("WSAPI_SIMULATOR_URL is set: the simulated WhatsApp network");
  if (raw.redisUrl && isLoopbackRedis(raw.redisUrl))
    found.push(`WSAPI_REDIS_URL=${raw.redisUrl}: the local stack's redis-server`);
  if (/\/minute$/.test(raw.signupLimit?.trim() ?? ""))
    found.push(`WSAPI_SIGNUP_LIMIT=${raw.signupLimit}: a per-minute sign-up window`);
  const metricsUrl = raw.metricsUrl?.trim() ?? "";
  if (metricsUrl && metricsUrl !== "off" && !metricsUrl.startsWith("https://"))
    found.push(`WSAPI_METRICS_URL=${metricsUrl}: metrics to a plain-HTTP collector`);
  if (raw.eventsUrl && !raw.eventsUrl.startsWith("https://"))
    found.push(`WSAPI_EVENTS_URL=${raw.eventsUrl}: instances must call back over https://`);
  return found;
}

/**
 * Parses and checks the configuration, refusing with one ConfigError that lists every problem:
 * the Functions emulator with a real project id, and any local relaxation outside emulated mode.
 */
export function parseConfig(raw: RawConfig, env: NodeJS.ProcessEnv = process.env): RuntimeConfig {
  const problems: string[] = [];
  const projectId = projectIdOf(env);
  const emulated = isEmulated(env);
  if (!projectId) problems.push("no project id: GCLOUD_PROJECT and FIREBASE_CONFIG are both unset");
  if (env.FUNCTIONS_EMULATOR === "true" && projectId && !emulated) {
    problems.push(
      `FUNCTIONS_EMULATOR=true with project "${projectId}": the emulators run only ${DEMO_PROJECT_PREFIX}* ` +
        "projects, so local keys and local settings never meet a real project",
    );
  }
  if (!emulated) {
    const mode = `not emulated (FUNCTIONS_EMULATOR=${env.FUNCTIONS_EMULATOR ?? "unset"}, project ${projectId ?? "unset"})`;
    for (const relaxation of localRelaxations(raw))
      problems.push(
        `${relaxation}; allowed only in the emulators with a ${DEMO_PROJECT_PREFIX}* project, ${mode}`,
      );
  }
  const {
    sessionDays,
    cells,
    webhookScheduleScale,
    webhookSecretGraceHours,
    eventRetentionHours = 24,
    redisUrl = "",
    redisAuth,
    signupLimit = "5/hour",
    metricsUrl = "",
    ...rest
  } = raw;
  if (!emulated && !redisUrl)
    problems.push("WSAPI_REDIS_URL is unset: rate limits need the shared store (infra output functionsEnv)");
  if (redisUrl && !/^redis:\/\/[^/?#\s@]+(:\d+)?\/?$/.test(redisUrl))
    problems.push(
      "WSAPI_REDIS_URL must be redis://host:port (the AUTH string is the WSAPI_REDIS_AUTH secret)",
    );
  const parsedSignupLimit = parseSignupLimit(signupLimit);
  if (!parsedSignupLimit) problems.push(`WSAPI_SIGNUP_LIMIT=${signupLimit} must be "<count>/hour"`);
  let parsedCells: unknown = [];
  try {
    parsedCells = JSON.parse(cells || "[]");
  } catch {
    problems.push("WSAPI_CELLS is not JSON");
  }
  const parsed = configSchema.safeParse({
    ...rest,
    emulated,
    projectId,
    sessionTtlMs: sessionDays * 24 * 3600_000,
    cells: parsedCells,
    webhookScheduleScale: webhookScheduleScale || undefined,
    webhookSecretGraceMs: webhookSecretGraceHours * 3600_000,
    eventRetentionMs: eventRetentionHours * 3600_000,
    redisUrl,
    ...(redisAuth ? { redisAuth } : {}),
    signupLimit: parsedSignupLimit ?? { points: 1, windowSeconds: 3600 },
    metricsUrl: metricsUrl.trim(),
  });
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      if (issue.path[0] === "projectId" && !projectId) continue; // already named above
      problems.push(`${issue.path.join(".") || "config"}: ${issue.message}`);
    }
  }
  if (problems.length > 0 || !parsed.success) throw new ConfigError(problems);
  return parsed.data;
}
