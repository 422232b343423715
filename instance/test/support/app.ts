// The instance app in-process with a fake transport, for auth and validation tests.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type CryptoKey, importJWK } from "jose";
import { createApp } from "../../src/app.js";
import { type InstanceLogs, silentLogs } from "../../src/logs.js";
import { createMediaFetcher } from "../../src/net/media-fetcher.js";
import { SendQueue } from "../../src/sending/send-queue.js";
import { SendSpool } from "../../src/sending/send-spool.js";
import { FakeTransport } from "./fake-transport.js";
import { type GatewayKeys, gatewayToken } from "./keys.js";

export const INSTANCE_ID = "ins_under_test";

export async function appWithFakeTransport(
  keys: GatewayKeys,
  transport = new FakeTransport(),
  logs: InstanceLogs = silentLogs,
) {
  const gatewayKey = (await importJWK(keys.publicJwk, "ES256")) as CryptoKey;
  const mediaFetcher = createMediaFetcher();
  const spool = new SendSpool(
    join(mkdtempSync(join(tmpdir(), "wsapi-app-")), "send.spool"),
    Buffer.alloc(32, 7),
    INSTANCE_ID,
  );
  const sendQueue = new SendQueue({ spool, transport, logs: silentLogs });
  sendQueue.start();
  const app = createApp({
    instanceId: INSTANCE_ID,
    gatewayKey,
    transport,
    mediaFetcher,
    logs,
    sendQueue,
  });
  const request = async (method: string, path: string, body?: unknown, token?: string | null) => {
    const bearer = token === undefined ? await gatewayToken(keys, INSTANCE_ID) : token;
    const headers: Record<string, string> = bearer === null ? {} : { authorization: `Bearer ${bearer}` };
    if (body !== undefined) headers["content-type"] = "application/json";
    const payload = typeof body === "string" ? body : body === undefined ? undefined : JSON.stringify(body);
    return app.request(path, { method, headers, body: payload });
  };
  return { app, transport, request, sendQueue };
}
