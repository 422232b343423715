import { z } from "zod";

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
  gatewayServiceAccount: z.string(),
  /** Multiplies the webhook retry schedule; below 1 only in the emulators, so tests see retries fast. */
  webhookScheduleScale: z.coerce.number().positive().max(1).default(1),
  webhookSecretGraceMs: z.number().int().nonnegative(),
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
  gatewayServiceAccount: string;
}

export function parseConfig(raw: RawConfig, env: NodeJS.ProcessEnv = process.env): RuntimeConfig {
  const firebaseConfig = env.FIREBASE_CONFIG ? JSON.parse(env.FIREBASE_CONFIG) : {};
  const { sessionDays, cells, ...rest } = raw;
  return configSchema.parse({
    ...rest,
    emulated: env.FUNCTIONS_EMULATOR === "true",
    projectId: env.GCLOUD_PROJECT ?? firebaseConfig.projectId ?? "demo-wsapi",
    sessionTtlMs: sessionDays * 24 * 3600_000,
    cells: JSON.parse(cells || "[]"),
    webhookScheduleScale: env.WSAPI_WEBHOOK_SCHEDULE_SCALE || undefined,
    webhookSecretGraceMs: Number(env.WSAPI_WEBHOOK_SECRET_GRACE_HOURS || 24) * 3600_000,
  });
}
