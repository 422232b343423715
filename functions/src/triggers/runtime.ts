import { parseConfig, type RuntimeConfig } from "../config.js";
import { apiKeyPepper, dataKeys, sessionDays } from "../params.js";

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
      dataKeys: dataKeys.value(),
      apiKeyPepper: apiKeyPepper.value(),
      sessionDays: sessionDays.value(),
    }),
);

export const accountSecrets = [dataKeys, apiKeyPepper];
