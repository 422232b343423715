import type { SecretParam } from "firebase-functions/params";
import { parseConfig, type RuntimeConfig } from "../config.js";
import * as params from "../params.js";

/** Memoizes an async builder; a failed build is retried on the next call instead of cached. */
export function lazy<T>(build: () => Promise<T>): () => Promise<T> {
  let pending: Promise<T> | undefined;
  return () => {
    pending ??= build().catch((error) => {
      pending = undefined;
      throw error;
    });
    return pending;
  };
}

// The secrets each function declares in its options. Only declared secrets are mounted into a
// function's environment, so a function reads no other (readConfig).
export const accountSecrets = [params.dataKeys, params.apiKeyPepper];
export const gatewaySecrets = [params.dataKeys, params.apiKeyPepper, params.gatewaySigningKey];
/** api and dashboard: the gateway's secrets and Memorystore's AUTH string for the shared rate limits. */
export const limitedSecrets = [
  params.dataKeys,
  params.apiKeyPepper,
  params.gatewaySigningKey,
  params.redisAuth,
];

/** Reads every param through `.value()`, at run time; of the optional secrets only those in `secrets`. */
export function readConfig(secrets: readonly SecretParam[]): RuntimeConfig {
  // An unset secret reads as "": absent, like one the function does not declare.
  const declared = (secret: SecretParam) =>
    secrets.includes(secret) ? secret.value() || undefined : undefined;
  return parseConfig({
    dataKeys: params.dataKeys.value(),
    apiKeyPepper: params.apiKeyPepper.value(),
    gatewaySigningKey: declared(params.gatewaySigningKey),
    sessionDays: params.sessionDays.value(),
    runtime: params.runtimeKind.value(),
    supervisorUrl: params.supervisorUrl.value(),
    eventsUrl: params.eventsUrl.value(),
    instanceTransport: params.instanceTransport.value(),
    simulatorUrl: params.simulatorUrl.value(),
    cells: params.cells.value(),
    instanceImage: params.instanceImage.value(),
    webhookScheduleScale: params.webhookScheduleScale.value(),
    webhookSecretGraceHours: params.webhookSecretGraceHours.value(),
    eventRetentionHours: params.eventRetentionHours.value(),
    redisUrl: params.redisUrl.value(),
    redisAuth: declared(params.redisAuth),
    signupLimit: params.signupLimit.value(),
    metricsUrl: params.metricsUrl.value(),
  });
}
