import assert from "node:assert/strict";
import { describe, test } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import { CELL_PROJECT_EU, CONTROL_PROJECT, resolved } from "./harness.ts";

// The same shape `pulumi config set --path` writes into Pulumi.<stack>.yaml (see README).
pulumi.runtime.setAllConfig(
  {
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
  },
  ["wsapi:googleClientSecret", "wsapi:githubClientSecret"],
);

describe("the Pulumi entry point", () => {
  test("index.ts loads under ESM + tsx, reads stack config and exports what firebase deploy needs", async () => {
    const program: Record<string, pulumi.Output<unknown>> = await import("../index.ts");
    assert.equal(
      await resolved(program.functionsServiceAccount!),
      `wsapi-functions@${CONTROL_PROJECT}.iam.gserviceaccount.com`,
    );
    assert.equal(
      await resolved(program.gatewayServiceAccount!),
      `wsapi-gateway@${CONTROL_PROJECT}.iam.gserviceaccount.com`,
    );
    assert.equal(await resolved(program.webhookQueue!), "webhook-deliveries");
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
    assert.equal(
      env.WSAPI_GATEWAY_SERVICE_ACCOUNT,
      `wsapi-gateway@${CONTROL_PROJECT}.iam.gserviceaccount.com`,
    );
    assert.deepEqual(await resolved(program.egressIps!), {
      "europe-west1": ["203.0.113.10", "203.0.113.10"],
    });
  });
});
