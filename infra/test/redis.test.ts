import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { REDIS_INSTANCE } from "../src/redis.ts";
import { buildTestStack, CONTROL_PROJECT, DEPLOYMENT, ofType, resolved } from "./harness.ts";

describe("Memorystore for the shared rate limits", () => {
  test("one instance in deployment.json's region on its VPC, AUTH on, private only, no persistence", async () => {
    const { resources } = await buildTestStack();
    const instances = ofType(resources, "gcp:redis/instance:Instance");
    assert.equal(instances.length, 1);
    const redis = instances[0]!.inputs;
    assert.equal(redis.project, CONTROL_PROJECT);
    assert.equal(redis.name, REDIS_INSTANCE);
    assert.equal(redis.region, DEPLOYMENT.region);
    const network = ofType(resources, "gcp:compute/network:Network").find(
      (n) => n.inputs.name === DEPLOYMENT.network,
    );
    assert.ok(network, "deployment.json's network exists");
    assert.equal(redis.authorizedNetwork, `${network.name}-id`);
    assert.equal(redis.connectMode, "DIRECT_PEERING");
    assert.equal(redis.authEnabled, true);
    // AUTH without TLS inside the VPC: the reasons are in infra/src/redis.ts.
    assert.equal(redis.transitEncryptionMode, "DISABLED");
    assert.deepEqual(redis.persistenceConfig, { persistenceMode: "DISABLED" });
  });

  test("functionsEnv carries WSAPI_REDIS_URL (host and port, never the AUTH string)", async () => {
    const { stack } = await buildTestStack();
    const env = await resolved(stack.outputs.functionsEnv);
    assert.equal(env.WSAPI_REDIS_URL, "redis://10.9.0.3:6379");
    assert.equal(await resolved(stack.outputs.redisInstance), REDIS_INSTANCE);
  });

  test("the functions that reach it have VPC egress", () => {
    for (const name of ["api", "dashboard"]) assert.equal(DEPLOYMENT.functions[name]?.vpcEgress, true, name);
  });
});
