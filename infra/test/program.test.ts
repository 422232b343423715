import assert from "node:assert/strict";
import { describe, test } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import { CELL_PROJECT_EU, CONTROL_PROJECT, resolved } from "./harness.ts";

// The same shape `pulumi config set --path` writes into Pulumi.<stack>.yaml (see README).
const STACK_CONFIG: Record<string, string> = {
  "gcp:project": CONTROL_PROJECT,
  "gcp:region": "europe-west1",
  "wsapi:apiDomain": "api.wsapi.test",
  "wsapi:googleClientId": "google-client-id",
  "wsapi:googleClientSecret": "google-client-secret",
  "wsapi:githubClientId": "github-client-id",
  "wsapi:githubClientSecret": "github-client-secret",
  "wsapi:cells": JSON.stringify([
    { id: "eu1", project: CELL_PROJECT_EU, region: "europe-west1", subnetCidr: "10.16.0.0/20" },
  ]),
};
const SECRET_KEYS = ["wsapi:googleClientSecret", "wsapi:githubClientSecret"];
pulumi.runtime.setAllConfig(STACK_CONFIG, SECRET_KEYS);

describe("the Pulumi entry point", () => {
  test("index.ts loads under ESM + tsx, reads stack config and exports what firebase deploy needs", async () => {
    const program = (await import("../index.ts")) as unknown as Record<string, pulumi.Output<unknown>>;
    assert.equal(await resolved(program.region!), "europe-west1");
    assert.deepEqual(await resolved(program.serviceAccounts!), {
      gateway: `wsapi-gateway@${CONTROL_PROJECT}.iam.gserviceaccount.com`,
      controlPlane: `wsapi-control@${CONTROL_PROJECT}.iam.gserviceaccount.com`,
      provisioner: `wsapi-provisioner@${CONTROL_PROJECT}.iam.gserviceaccount.com`,
    });
    assert.equal(await resolved(program.functionsNetwork!), "wsapi-vpc");
    assert.equal(await resolved(program.functionsSubnetwork!), "wsapi-functions");
    assert.deepEqual(await resolved(program.cells!), [
      {
        id: "eu1",
        projectId: CELL_PROJECT_EU,
        region: "europe-west1",
        network: `projects/${CONTROL_PROJECT}/global/networks/wsapi-vpc`,
        subnetwork: `projects/${CONTROL_PROJECT}/regions/europe-west1/subnetworks/wsapi-cell-eu1`,
      },
    ]);
    const env = (await resolved(program.functionsEnv!)) as Record<string, string>;
    assert.deepEqual(Object.keys(env).sort(), ["WSAPI_CELLS", "WSAPI_REDIS_URL", "WSAPI_RUNTIME"]);
    assert.deepEqual(await resolved(program.egressIps!), {
      "europe-west1": ["203.0.113.10", "203.0.113.10"],
    });
  });

  test("stack config cannot disagree with deployment.json: a removed key or another gcp:region stops the program", async () => {
    const { loadConfig } = await import("../src/config.ts");
    for (const [key, value] of [
      ["wsapi:webhookQueueName", "webhook-deliveries"],
      ["wsapi:apiServiceName", "api"],
      ["wsapi:region", "europe-west1"],
      ["gcp:region", "us-central1"],
    ]) {
      pulumi.runtime.setAllConfig({ ...STACK_CONFIG, [key!]: value! }, SECRET_KEYS);
      try {
        assert.throws(() => loadConfig(), new RegExp(key!), key);
      } finally {
        pulumi.runtime.setAllConfig(STACK_CONFIG, SECRET_KEYS);
      }
    }
  });
});
