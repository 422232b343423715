import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import { accountSecrets, gatewaySecrets, limitedSecrets, readConfig } from "../src/triggers/runtime.js";

// A function reads only the secrets it declares: firebase-functions mounts no other into its
// environment, and warns when an undeclared one is read.
const env = {
  GCLOUD_PROJECT: "acme-wsapi",
  WSAPI_DATA_KEYS: '{"current":"1","keys":{"1":"AAAA"}}',
  WSAPI_API_KEY_PEPPER: "p".repeat(32),
  WSAPI_GATEWAY_SIGNING_KEY: '{"kty":"OKP"}',
  WSAPI_REDIS_AUTH: "redis-auth",
  WSAPI_REDIS_URL: "redis://10.9.0.3:6379",
  WSAPI_EVENTS_URL: "https://events.example",
  // Deploys write every param's value (or its default) into the environment; .value() reads it there.
  WSAPI_SESSION_DAYS: "5",
  WSAPI_RUNTIME: "cloudrun",
  WSAPI_INSTANCE_TRANSPORT: "baileys",
  WSAPI_CELLS: "[]",
  WSAPI_WEBHOOK_SCHEDULE_SCALE: "1",
  WSAPI_WEBHOOK_SECRET_GRACE_HOURS: "24",
  WSAPI_EVENT_RETENTION_HOURS: "24",
  WSAPI_SIGNUP_LIMIT: "5/hour",
};
const saved = Object.fromEntries(Object.keys(env).map((name) => [name, process.env[name]]));
Object.assign(process.env, env);
after(() => {
  for (const [name, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
});

describe("readConfig", () => {
  it("leaves out the secrets a function does not declare", () => {
    const config = readConfig(accountSecrets);
    assert.equal(config.gatewaySigningKey, undefined);
    assert.equal(config.redisAuth, undefined);
    assert.equal(config.apiKeyPepper, env.WSAPI_API_KEY_PEPPER);
  });

  it("reads each declared secret through its param", () => {
    assert.equal(readConfig(gatewaySecrets).gatewaySigningKey, env.WSAPI_GATEWAY_SIGNING_KEY);
    assert.equal(readConfig(gatewaySecrets).redisAuth, undefined);
    const limited = readConfig(limitedSecrets);
    assert.equal(limited.gatewaySigningKey, env.WSAPI_GATEWAY_SIGNING_KEY);
    assert.equal(limited.redisAuth, env.WSAPI_REDIS_AUTH);
  });
});
