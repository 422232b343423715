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

export const runtimeConfig = lazy(
  async (): Promise<RuntimeConfig> =>
    parseConfig({
      dataKeys: params.dataKeys.value(),
      apiKeyPepper: params.apiKeyPepper.value(),
      gatewaySigningKey: process.env.WSAPI_GATEWAY_SIGNING_KEY,
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
      redisUrl: params.redisUrl.value(),
      // Declared only by the functions that rate-limit (api, dashboard): read from the environment.
      redisAuth: process.env.WSAPI_REDIS_AUTH,
      signupLimit: params.signupLimit.value(),
    }),
);

export const accountSecrets = [params.dataKeys, params.apiKeyPepper];
export const gatewaySecrets = [params.dataKeys, params.apiKeyPepper, params.gatewaySigningKey];
/** api and dashboard: the gateway's secrets and Memorystore's AUTH string for the shared rate limits. */
export const limitedSecrets = [
  params.dataKeys,
  params.apiKeyPepper,
  params.gatewaySigningKey,
  params.redisAuth,
];
