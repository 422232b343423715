// The environment is parsed once; mistakes are named (never echoed), and a private key is refused.
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { INSTANCE_ENV } from "@wsapi/contracts/env";
import { ConfigError, parseInstanceConfig, redactedConfig } from "../src/config.js";
import { generateGatewayKeys, newInstanceSecret } from "./support/keys.js";

describe("instance configuration", () => {
  let env: Record<string, string>;
  const secret = newInstanceSecret();

  before(async () => {
    const keys = await generateGatewayKeys();
    env = {
      [INSTANCE_ENV.port]: "8080",
      [INSTANCE_ENV.instanceId]: "ins_config",
      [INSTANCE_ENV.gatewayPublicJwk]: JSON.stringify(keys.publicJwk),
      [INSTANCE_ENV.instanceSecret]: secret,
      [INSTANCE_ENV.controlUrl]: "https://control.example/",
      [INSTANCE_ENV.transport]: "simulator",
      [INSTANCE_ENV.simulatorUrl]: "http://127.0.0.1:4100",
      [INSTANCE_ENV.dataDir]: "/var/lib/wsapi",
    };
  });

  it("parses a complete environment", () => {
    const config = parseInstanceConfig(env);
    assert.equal(config.port, 8080);
    assert.equal(config.controlUrl, "https://control.example");
    assert.equal(config.instanceSecret.byteLength, 32);
    assert.ok(!JSON.stringify(redactedConfig(config)).includes(secret), "the redacted view has no secret");
  });

  it("names what is wrong without echoing secrets", () => {
    const bad = {
      ...env,
      [INSTANCE_ENV.instanceSecret]: "c2hvcnQ",
      [INSTANCE_ENV.transport]: "carrier-pigeon",
    };
    assert.throws(
      () => parseInstanceConfig(bad),
      (error: Error) => {
        assert.ok(error instanceof ConfigError);
        assert.match(error.message, new RegExp(INSTANCE_ENV.instanceSecret));
        assert.match(error.message, new RegExp(INSTANCE_ENV.transport));
        assert.ok(!error.message.includes("c2hvcnQ"));
        return true;
      },
    );
  });

  it("refuses a private JWK and requires the simulator URL for the simulator transport", async () => {
    const jwk = {
      ...JSON.parse(env[INSTANCE_ENV.gatewayPublicJwk]!),
      d: "c2VjcmV0LWtleS1tYXRlcmlhbC0xMjM0NTY3ODkwMTI",
    };
    assert.throws(
      () => parseInstanceConfig({ ...env, [INSTANCE_ENV.gatewayPublicJwk]: JSON.stringify(jwk) }),
      ConfigError,
    );
    const { [INSTANCE_ENV.simulatorUrl]: _dropped, ...withoutSimulator } = env;
    assert.throws(() => parseInstanceConfig(withoutSimulator), new RegExp(INSTANCE_ENV.simulatorUrl));
    assert.throws(() => parseInstanceConfig({ ...env, [INSTANCE_ENV.dataDir]: "relative/dir" }), ConfigError);
  });
});
