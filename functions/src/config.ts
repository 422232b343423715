import { z } from "zod";

// Typed runtime configuration, parsed once per cold start from params and the environment.
const configSchema = z.object({
  emulated: z.boolean(),
  projectId: z.string().min(1),
  dataKeys: z.string().min(1),
  apiKeyPepper: z.string().min(32),
  sessionTtlMs: z
    .number()
    .int()
    .min(5 * 60_000)
    .max(14 * 24 * 3600_000),
});

export type RuntimeConfig = z.infer<typeof configSchema>;

export interface RawConfig {
  dataKeys: string;
  apiKeyPepper: string;
  sessionDays: number;
}

export function parseConfig(raw: RawConfig, env: NodeJS.ProcessEnv = process.env): RuntimeConfig {
  const firebaseConfig = env.FIREBASE_CONFIG ? JSON.parse(env.FIREBASE_CONFIG) : {};
  return configSchema.parse({
    emulated: env.FUNCTIONS_EMULATOR === "true",
    projectId: env.GCLOUD_PROJECT ?? firebaseConfig.projectId ?? "demo-wsapi",
    dataKeys: raw.dataKeys,
    apiKeyPepper: raw.apiKeyPepper,
    sessionTtlMs: raw.sessionDays * 24 * 3600_000,
  });
}

/** Redacted view for logging: which options are set, never their values. */
export function describeConfig(config: RuntimeConfig) {
  return { emulated: config.emulated, projectId: config.projectId, sessionTtlMs: config.sessionTtlMs };
}
