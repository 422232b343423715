import { isAbsolute } from "node:path";
import { INSTANCE_ENV } from "@wsapi/contracts/env";
import { METRICS_EXPORT_INTERVAL_MS } from "@wsapi/contracts/metrics";
import { z } from "zod";

const PublicEcJwk = z
  .object({
    kty: z.literal("EC"),
    crv: z.literal("P-256"),
    x: z.string().min(40),
    y: z.string().min(40),
    kid: z.string().optional(),
    alg: z.literal("ES256").optional(),
    use: z.literal("sig").optional(),
  })
  .strict();

const jsonText = z.string().transform((text, ctx) => {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    ctx.addIssue({ code: "custom", message: "must be JSON" });
    return z.NEVER;
  }
});

const base64urlKey = z
  .string()
  .regex(/^[A-Za-z0-9_-]+$/, "must be base64url")
  .transform((text) => new Uint8Array(Buffer.from(text, "base64url")))
  .refine((key) => key.byteLength >= 32, "must decode to at least 32 bytes");

const httpUrl = z.url({ protocol: /^https?$/ }).transform((url) => url.replace(/\/+$/, ""));

const InstanceEnv = z
  .object({
    // 0 asks the OS for a free port (tests); Cloud Run always sets PORT.
    [INSTANCE_ENV.port]: z.coerce.number().int().min(0).max(65_535).default(8080),
    [INSTANCE_ENV.instanceId]: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, "must be 1-64 of [A-Za-z0-9_-]"),
    // A private key here ("d" present) would be a deployment mistake: .strict() refuses it.
    [INSTANCE_ENV.gatewayPublicJwk]: jsonText.pipe(PublicEcJwk),
    [INSTANCE_ENV.instanceSecret]: base64urlKey,
    [INSTANCE_ENV.controlUrl]: httpUrl,
    [INSTANCE_ENV.transport]: z.enum(["simulator", "baileys"]).default("baileys"),
    [INSTANCE_ENV.simulatorUrl]: httpUrl.optional(),
    [INSTANCE_ENV.dataDir]: z.string().refine(isAbsolute, "must be an absolute path"),
    [INSTANCE_ENV.metricsIntervalMs]: z.coerce
      .number()
      .int()
      .refine((ms) => ms === 0 || (ms >= 1_000 && ms <= 3_600_000), "must be 0 or 1000 to 3600000")
      .default(METRICS_EXPORT_INTERVAL_MS),
  })
  .refine(
    (env) => env[INSTANCE_ENV.transport] !== "simulator" || env[INSTANCE_ENV.simulatorUrl] !== undefined,
    {
      message: `is required when ${INSTANCE_ENV.transport}=simulator`,
      path: [INSTANCE_ENV.simulatorUrl],
    },
  );

export type GatewayPublicJwk = z.infer<typeof PublicEcJwk>;

export interface InstanceConfig {
  port: number;
  instanceId: string;
  gatewayPublicJwk: GatewayPublicJwk;
  instanceSecret: Uint8Array;
  controlUrl: string;
  transport: "simulator" | "baileys";
  simulatorUrl: string | undefined;
  dataDir: string;
  /** Metrics export interval; 0 or absent (configs built in tests): no metrics. */
  metricsIntervalMs?: number;
}

export class ConfigError extends Error {}

/** Parses the environment once at start-up; names the variables that are wrong, never their values. */
export function parseInstanceConfig(env: NodeJS.ProcessEnv): InstanceConfig {
  const parsed = InstanceEnv.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`);
    throw new ConfigError(`invalid instance environment: ${problems.join("; ")}`);
  }
  const e = parsed.data;
  return {
    port: e[INSTANCE_ENV.port],
    instanceId: e[INSTANCE_ENV.instanceId],
    gatewayPublicJwk: e[INSTANCE_ENV.gatewayPublicJwk],
    instanceSecret: e[INSTANCE_ENV.instanceSecret],
    controlUrl: e[INSTANCE_ENV.controlUrl],
    transport: e[INSTANCE_ENV.transport],
    simulatorUrl: e[INSTANCE_ENV.simulatorUrl],
    dataDir: e[INSTANCE_ENV.dataDir],
    metricsIntervalMs: e[INSTANCE_ENV.metricsIntervalMs],
  };
}

/** What may be logged about the configuration: no secret, no key material. */
export function redactedConfig(config: InstanceConfig): Record<string, unknown> {
  return {
    port: config.port,
    instanceId: config.instanceId,
    gatewayKeyId: config.gatewayPublicJwk.kid ?? "(none)",
    controlUrl: config.controlUrl,
    transport: config.transport,
    simulatorUrl: config.simulatorUrl ?? "(none)",
    dataDir: config.dataDir,
    metricsIntervalMs: config.metricsIntervalMs,
  };
}
