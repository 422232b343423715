// The instance app in-process with a fake transport, for auth and validation tests.
import { type CryptoKey, importJWK } from "jose";
import { createApp } from "../../src/app.js";
import { silentLogs } from "../../src/logs.js";
import { createMediaFetcher } from "../../src/net/media-fetcher.js";
import { FakeTransport } from "./fake-transport.js";
import { type GatewayKeys, gatewayToken } from "./keys.js";

export const INSTANCE_ID = "ins_under_test";

export async function appWithFakeTransport(keys: GatewayKeys, transport = new FakeTransport()) {
  const gatewayKey = (await importJWK(keys.publicJwk, "ES256")) as CryptoKey;
  const mediaFetcher = createMediaFetcher();
  const app = createApp({ instanceId: INSTANCE_ID, gatewayKey, transport, mediaFetcher, logs: silentLogs });
  const request = async (method: string, path: string, body?: unknown, token?: string | null) => {
    const bearer = token === undefined ? await gatewayToken(keys, INSTANCE_ID) : token;
    const headers: Record<string, string> = bearer === null ? {} : { authorization: `Bearer ${bearer}` };
    if (body !== undefined) headers["content-type"] = "application/json";
    const payload = typeof body === "string" ? body : body === undefined ? undefined : JSON.stringify(body);
    return app.request(path, { method, headers, body: payload });
  };
  return { app, transport, request };
}
