import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { after, before, describe, it } from "node:test";
import { protos, v2 } from "@google-cloud/run";
import { SecretManagerServiceClient } from "@google-cloud/secret-manager";
import fc from "fast-check";
import { CloudRuntimeError } from "../src/adapters/cloudRun/apiErrors.js";
import { instanceServiceAccount, labelValue, serviceId } from "../src/adapters/cloudRun/names.js";
import { iamServiceAccounts } from "../src/adapters/cloudRun/serviceAccounts.js";
import { CONTAINER_PORT, HEALTH_PATH } from "../src/adapters/cloudRun/serviceSpec.js";
import {
  type CloudRunCell,
  type CloudRunRuntimeOptions,
  cloudRunRuntime,
} from "../src/adapters/cloudRunRuntime.js";
import { cloudRunRuntimeFromConfig, instanceInvokerEmails } from "../src/composition/cloudRun.js";
import type { RuntimeConfig } from "../src/config.js";
import type { InstanceRuntimeSpec } from "../src/core/ports/runtime.js";
import { FakeCloudRun, type InjectedFailure, type RecordedRequest } from "./support/fakeCloudRun.js";
import { FakeIam } from "./support/fakeIam.js";

const run = protos.google.cloud.run.v2;
const network = "projects/n/global/networks/wsi";
const subnetwork = "projects/n/regions/europe-west1/subnetworks/wsi";
const location = { projectId: "wsapi-cell-1", region: "europe-west1" };
const cell: CloudRunCell = { id: "a", ...location, capacity: 9, network, subnetwork };
// deployment.json's instanceInvokers, as accounts of the control-plane project.
const invokers = instanceInvokerEmails("wsapi-control");
const image = `europe-west1-docker.pkg.dev/wsapi-control/wsapi-instance/instance@sha256:${"0a".repeat(32)}`;
const instanceSecret = `isk_${randomBytes(32).toString("base64url")}`;
const serviceName = "projects/wsapi-cell-1/locations/europe-west1/services/wsi-shop-main-01-eff6be865fd4";
const secretName = "projects/wsapi-cell-1/secrets/wsi-shop-main-01-eff6be865fd4-secret";
// Recorded request paths carry the API version; the fake's state is keyed by resource name.
const servicePath = `/v2/${serviceName}`;
const secretPath = `/v1/${secretName}`;
const instanceAccount = "wsi-eff6be865fd4@wsapi-cell-1.iam.gserviceaccount.com";
const url = "https://wsi-shop-main-01-eff6be865fd4-fake.a.run.app";
const plainEnv = { WSAPI_INSTANCE_ID: "Shop.Main_01", WSAPI_TRANSPORT: "wa" };
const spec: InstanceRuntimeSpec = {
  instanceId: "Shop.Main_01",
  accountId: "Xy9UidABC",
  cell,
  // PORT is Cloud Run's own; the secret here is a caller mistake the adapter must not forward.
  env: { ...plainEnv, PORT: "9", WSAPI_INSTANCE_SECRET: instanceSecret },
  instanceSecret,
};

let fake: FakeCloudRun;
let iam: FakeIam;
let services: v2.ServicesClient;
let secrets: SecretManagerServiceClient;

before(async () => {
  fake = await FakeCloudRun.start();
  iam = await FakeIam.start();
  fake.iam = iam;
  // The clients' REST transport against the fake; an API key keeps google-auth from seeking credentials.
  const rest = { fallback: true, protocol: "http", apiEndpoint: "127.0.0.1", port: fake.port, apiKey: "k" };
  services = new v2.ServicesClient(rest);
  secrets = new SecretManagerServiceClient(rest);
});

after(async () => {
  await Promise.all([services.close(), secrets.close()]);
  await Promise.all([fake.close(), iam.close()]);
});

const polling = { initialDelayMs: 5, maxDelayMs: 20, timeoutMs: 5_000 };
const clock = { now: () => Date.parse("2025-01-02T03:04:05.000Z") };
function options(overrides: Partial<CloudRunRuntimeOptions> = {}): CloudRunRuntimeOptions {
  const accounts = iamServiceAccounts({
    auth: { getAccessToken: async () => iam.token },
    baseUrl: iam.baseUrl,
  });
  const propagationDelaysMs = [5, 5, 5, 5, 5];
  return {
    services,
    secrets,
    accounts,
    image,
    invokers,
    cells: [cell],
    polling,
    propagationDelaysMs,
    clock,
    ...overrides,
  };
}
function setup(overrides: Partial<CloudRunRuntimeOptions> = {}) {
  fake.reset();
  iam.reset();
  for (const invoker of invokers) iam.seed(invoker);
  return cloudRunRuntime(options(overrides));
}

const find = (method: string, path: string | RegExp) =>
  fake.requests.filter(
    (r) => r.method === method && (typeof path === "string" ? r.path === path : path.test(r.path)),
  );
type Message = InjectedFailure["message"];
function fail(method: string, path: RegExp, status: number, grpcStatus: string, message: Message) {
  fake.failNext({ method, path, status, grpcStatus, message });
}
/** A value as it may appear on the wire: plain, or base64 as JSON carries bytes. */
const forms = (value: string) => [value, Buffer.from(value).toString("base64")];
const carriesSecret = (request: RecordedRequest) =>
  forms(instanceSecret).some((form) => request.raw.includes(form));
type Template = { annotations: Record<string, string>; containers: Array<Record<string, unknown>> };
const template = (request: RecordedRequest | undefined) => request?.body?.template as Template;
/** Expects a CloudRuntimeError whose message matches and holds none of the given values. */
const rejectsWith = (promise: Promise<unknown>, message: RegExp, secretValues = [instanceSecret]) =>
  assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof CloudRuntimeError);
    assert.match(error.message, message);
    for (const form of secretValues.flatMap(forms)) assert.ok(!error.message.includes(form));
    return true;
  });

describe("Cloud Run instance runtime", () => {
  it("creates one internal, always-on service per instance that only the invokers may call", async () => {
    assert.deepEqual(await setup().ensure(spec), { state: "running", url });

    const [create] = find("POST", "/v2/projects/wsapi-cell-1/locations/europe-west1/services");
    assert.equal(create?.query.serviceId, "wsi-shop-main-01-eff6be865fd4");
    const labels = { "wsapi-owner": labelValue("Xy9UidABC"), "wsapi-instance": "shop-main-01-eff6be865fd4" };
    assert.match(labels["wsapi-owner"], /^xy9uidabc-[0-9a-f]{12}$/);
    const exactlyOne = { minInstanceCount: 1, maxInstanceCount: 1 };
    const secretReference = { secretKeyRef: { secret: secretName, version: "latest" } };
    const health = { path: "/healthz", port: 8080 };
    // The JSON transport sends enums as numbers; each is named through the library's own enum.
    assert.deepEqual(create?.body, {
      name: serviceName,
      labels,
      annotations: { "wsapi/instance-id": "Shop.Main_01" },
      launchStage: protos.google.api.LaunchStage.GA,
      ingress: run.IngressTraffic.INGRESS_TRAFFIC_INTERNAL_ONLY,
      invokerIamDisabled: false,
      scaling: { ...exactlyOne, scalingMode: run.ServiceScaling.ScalingMode.AUTOMATIC },
      template: {
        labels,
        annotations: { "wsapi/secret-version": "1" },
        serviceAccount: instanceAccount,
        scaling: exactlyOne,
        executionEnvironment: run.ExecutionEnvironment.EXECUTION_ENVIRONMENT_GEN2,
        vpcAccess: {
          networkInterfaces: [{ network, subnetwork }],
          egress: run.VpcAccess.VpcEgress.ALL_TRAFFIC,
        },
        containers: [
          {
            name: "instance",
            image,
            ports: [{ name: "http1", containerPort: 8080 }],
            env: [
              { name: "WSAPI_INSTANCE_ID", value: "Shop.Main_01" },
              { name: "WSAPI_TRANSPORT", value: "wa" },
              { name: "WSAPI_INSTANCE_SECRET", valueSource: secretReference },
            ],
            startupProbe: { httpGet: health, periodSeconds: 5, timeoutSeconds: 3, failureThreshold: 24 },
            livenessProbe: { httpGet: health, periodSeconds: 30, timeoutSeconds: 5, failureThreshold: 3 },
            resources: { limits: { cpu: "1", memory: "512Mi" }, cpuIdle: false, startupCpuBoost: true },
          },
        ],
      },
    });

    const policyCall = fake.requests.findIndex((r) => r.path === `${servicePath}:setIamPolicy`);
    const lastPoll = fake.requests.findLastIndex((r) => r.path.includes("/operations/"));
    assert.ok(policyCall > lastPoll, "the invoker policy is set once the service exists");
    assert.deepEqual(fake.servicePolicies.get(serviceName), {
      bindings: [
        {
          role: "roles/run.invoker",
          members: [
            "serviceAccount:wsapi-gateway@wsapi-control.iam.gserviceaccount.com",
            "serviceAccount:wsapi-control@wsapi-control.iam.gserviceaccount.com",
          ],
        },
      ],
    });
    assert.ok(fake.requests.every((r) => !/allUsers|allAuthenticatedUsers/.test(r.raw)));
  });

  it("creates the instance's own account before anything names it, waiting while IAM propagates", async () => {
    const runtime = setup();
    iam.propagationChecks = 2;
    await runtime.ensure(spec);
    const [create, ...again] = iam.requests.filter((r) => r.method === "POST");
    assert.equal(again.length, 0);
    assert.equal(create?.path, "/v1/projects/wsapi-cell-1/serviceAccounts");
    assert.equal(create?.headers.authorization, `Bearer ${iam.token}`);
    assert.deepEqual(create?.body, {
      accountId: "wsi-eff6be865fd4",
      serviceAccount: {
        displayName: "WSAPI instance Shop.Main_01",
        description: "Runs WSAPI instance Shop.Main_01 of account Xy9UidABC; no project roles.",
      },
    });
    assert.ok(iam.accounts.has(instanceAccount));
    const policyCalls = find("POST", `${secretPath}:setIamPolicy`);
    assert.equal(policyCalls.length, 3, "refused twice while the new account propagated, then bound");
    const firstUse = Math.min(
      ...fake.requests.filter((r) => r.raw.includes(instanceAccount)).map((r) => r.at),
    );
    assert.ok(create.at < firstUse, "the account exists before a policy or the service names it");
    assert.equal(fake.services.size, 1);

    // A later ensure finds the account there (409) and goes on.
    await runtime.ensure(spec);
    assert.equal(iam.requests.filter((r) => r.method === "POST").length, 2);
    assert.equal(iam.accounts.size, invokers.length + 1);
  });

  it("gives up on a new account that never shows, and surfaces IAM errors with their status", async () => {
    const runtime = setup();
    iam.propagationChecks = 100;
    await rejectsWith(
      runtime.ensure(spec),
      /^set access policy of secret \S+ failed: INVALID_ARGUMENT .*does not exist/,
    );
    const broken = setup({
      accounts: iamServiceAccounts({ auth: { getAccessToken: async () => "wrong" }, baseUrl: iam.baseUrl }),
    });
    await rejectsWith(
      broken.ensure(spec),
      /^create service account wsi-eff6be865fd4@wsapi-cell-1 failed: UNAUTHENTICATED/,
    );
    assert.equal(fake.requests.length, 0, "nothing else is attempted without the account");
  });

  it("keeps the instance secret in Secret Manager, readable only by the instance's account", async () => {
    const runtime = setup();
    await runtime.ensure(spec);
    const [createSecret] = find("POST", "/v1/projects/wsapi-cell-1/secrets");
    assert.equal(createSecret?.query.secretId, "wsi-shop-main-01-eff6be865fd4-secret");
    assert.deepEqual(fake.secrets.get(secretName)?.replication, {
      userManaged: { replicas: [{ location: "europe-west1" }] },
    });
    const [addVersion, ...more] = find("POST", `${secretPath}:addVersion`);
    assert.equal(more.length, 0);
    assert.deepEqual(addVersion?.body, { payload: { data: Buffer.from(instanceSecret).toString("base64") } });
    assert.deepEqual(fake.secrets.get(secretName)?.policy, {
      bindings: [
        { role: "roles/secretmanager.secretAccessor", members: [`serviceAccount:${instanceAccount}`] },
      ],
    });
    assert.deepEqual(
      fake.requests.filter(carriesSecret).map((r) => r.path),
      [`${secretPath}:addVersion`],
      "the value travels only in the addVersion call, never to Cloud Run",
    );
  });

  it("is idempotent: a repeated ensure changes nothing, rolls no revision, adds no version", async () => {
    const runtime = setup();
    await runtime.ensure(spec);
    await runtime.ensure(spec);
    assert.equal(fake.services.size, 1);
    assert.equal(find("POST", /\/services$/).length, 1);
    assert.equal(find("PATCH", servicePath).length, 0, "the service already matches: no update at all");
    assert.equal(fake.revisions.get(serviceName), 1);
    assert.equal(fake.secrets.get(secretName)?.versions.length, 1);

    const rotated = `isk_${randomBytes(32).toString("base64url")}`;
    await runtime.ensure({ ...spec, instanceSecret: rotated, env: { WSAPI_INSTANCE_ID: "Shop.Main_01" } });
    assert.equal(find("PATCH", servicePath).length, 1);
    assert.equal(fake.secrets.get(secretName)?.versions.at(-1)?.toString("utf8"), rotated);
    const current = fake.services.get(serviceName)?.template as Template;
    assert.equal(current.annotations["wsapi/secret-version"], "2", "a new secret rolls a revision");
    assert.equal(fake.revisions.get(serviceName), 2);
  });

  it("converges by updating when another writer creates the service first", async () => {
    const runtime = setup();
    await runtime.ensure(spec);
    fail("GET", /\/services\/wsi-/, 404, "NOT_FOUND", "-");
    const before = fake.requests.length;
    assert.equal((await runtime.ensure(spec)).state, "running");
    const calls = fake.requests.slice(before).filter((r) => r.path.startsWith("/v2/"));
    const methods = calls.map((r) => r.method);
    assert.deepEqual(
      methods,
      ["GET", "POST", "PATCH", "GET", "POST"],
      "read, lost the race, updated, polled, IAM",
    );
    assert.equal(fake.services.size, 1);
  });

  it("awaits an operation that finishes after several polls, reporting starting meanwhile", async () => {
    const runtime = setup();
    fake.operationPolls = 4;
    const pending = runtime.ensure(spec);
    while (fake.operationGets() === 0) await new Promise((resolve) => setTimeout(resolve, 2));
    assert.equal((await runtime.status("Shop.Main_01", cell)).state, "starting");
    assert.equal((await pending).state, "running");
    assert.equal(fake.operationGets(), 5);
  });

  it("never waits past one attempt: a slow rollout is left starting and the next attempt waits on it", async () => {
    const runtime = setup({ polling: { initialDelayMs: 5, maxDelayMs: 10, timeoutMs: 60 } });
    fake.operationMs = 1_500;
    const started = Date.now();
    const first = await runtime.ensure(spec);
    assert.ok(Date.now() - started < 1_500, "the attempt returned before the rollout finished");
    assert.deepEqual(first, { state: "starting", url, rolloutPending: true });
    assert.ok(fake.servicePolicies.has(serviceName), "the invoker policy is set while the rollout runs");

    // The next attempt (a task retry) finds the same spec rolling out: it waits, it does not update.
    const second = await runtime.ensure(spec);
    assert.equal(second.state, "starting");
    assert.equal(second.rolloutPending, true);
    const patient = cloudRunRuntime(
      options({ polling: { initialDelayMs: 5, maxDelayMs: 20, timeoutMs: 5_000 } }),
    );
    assert.deepEqual(await patient.ensure(spec), { state: "running", url });
    assert.equal(find("POST", /\/services$/).length, 1);
    assert.equal(find("PATCH", servicePath).length, 0, "no second rollout");
    assert.equal(fake.revisions.get(serviceName), 1);
    assert.equal(fake.secrets.get(secretName)?.versions.length, 1);
  });

  it("updates a service that is rolling out a different spec", async () => {
    const runtime = setup({ polling: { initialDelayMs: 5, maxDelayMs: 10, timeoutMs: 30 } });
    fake.operationMs = 2_000;
    await runtime.ensure(spec);
    const rotated = `isk_${randomBytes(32).toString("base64url")}`;
    const status = await runtime.ensure({ ...spec, instanceSecret: rotated });
    assert.equal(status.rolloutPending, true);
    assert.equal(find("PATCH", servicePath).length, 1);
    assert.equal(fake.revisions.get(serviceName), 2);
  });

  it("surfaces a failed operation with its name, and status reports the crash", async () => {
    const runtime = setup();
    const reason =
      "Revision 'wsi-shop-main-01-eff6be865fd4-00001' is not ready: the container failed to start.";
    fake.failNextOperation({ code: 9, message: reason });
    const operation = "projects/wsapi-cell-1/locations/europe-west1/operations/[0-9a-f-]{36}";
    const failure = `failed \\(operation ${operation}\\): FAILED_PRECONDITION Revision`;
    await rejectsWith(runtime.ensure(spec), new RegExp(`^create service ${serviceName} ${failure}`));
    assert.deepEqual(await runtime.status("Shop.Main_01", cell), { state: "crashed", url, detail: reason });
  });

  it("throws API errors with their status and never with the secret", async () => {
    const runtime = setup();
    fail("GET", /\/services\//, 403, "PERMISSION_DENIED", "no");
    await rejectsWith(runtime.ensure(spec), /^get service projects\/\S+ failed: PERMISSION_DENIED no$/);
    fail("POST", /\/services$/, 500, "INTERNAL", "boom");
    await rejectsWith(runtime.ensure(spec), /^create service .+ failed: INTERNAL boom$/);
    // A server that echoes the request back must not carry the value into the thrown message.
    const rotated = `isk_${randomBytes(32).toString("base64url")}`;
    const echo = (request: RecordedRequest) => `bad payload ${request.raw} (${rotated})`;
    fail("POST", /:addVersion$/, 500, "INTERNAL", echo);
    const rotatedSpec = { ...spec, instanceSecret: rotated };
    await rejectsWith(runtime.ensure(rotatedSpec), /^add version to secret \S+ failed: INTERNAL bad/, [
      rotated,
    ]);
  });

  it("removes the service, then its secret and account; removing a missing instance succeeds", async () => {
    const runtime = setup();
    await runtime.remove("Shop.Main_01", cell);
    await runtime.ensure(spec);
    await runtime.remove("Shop.Main_01", cell);
    assert.equal(fake.services.size, 0);
    assert.equal(fake.secrets.size, 0);
    assert.ok(!iam.accounts.has(instanceAccount));
    const deleteService = find("DELETE", servicePath).at(-1);
    const deleteAccount = iam.requests.filter((r) => r.method === "DELETE").at(-1);
    assert.equal(deleteAccount?.path, `/v1/projects/wsapi-cell-1/serviceAccounts/${instanceAccount}`);
    assert.ok(deleteService && deleteAccount && deleteService.at < deleteAccount.at, "service first");
    assert.deepEqual(await runtime.status("Shop.Main_01", cell), { state: "missing" });
    await runtime.remove("Shop.Main_01");
  });

  it("keeps the account while a slow delete runs, and finishes on the next attempt", async () => {
    const runtime = setup({ polling: { initialDelayMs: 5, maxDelayMs: 10, timeoutMs: 30 } });
    await runtime.ensure(spec);
    fake.operationMs = 150;
    await rejectsWith(runtime.remove("Shop.Main_01", cell), /^delete of service \S+ is still in progress$/);
    assert.ok(iam.accounts.has(instanceAccount), "something may still run as it");
    await new Promise((resolve) => setTimeout(resolve, 200));
    await runtime.remove("Shop.Main_01", cell);
    assert.equal(fake.services.size, 0);
    assert.ok(!iam.accounts.has(instanceAccount));
  });

  it("restarts by rolling a new revision that keeps the spec", async () => {
    const runtime = setup();
    await rejectsWith(runtime.restart("Shop.Main_01", cell), /^restart of service .+ failed: NOT_FOUND$/);
    await runtime.ensure(spec);
    const [created] = find("POST", /\/services$/);
    await runtime.restart("Shop.Main_01", cell);
    const [restart] = find("PATCH", servicePath);
    assert.deepEqual(template(restart).annotations, {
      "wsapi/secret-version": "1",
      "wsapi/restarted-at": "2025-01-02T03:04:05.000Z",
    });
    // The read-modify-write also echoes fields at their defaults; what the adapter set is unchanged.
    const container = (request: RecordedRequest | undefined) => template(request).containers[0] ?? {};
    for (const field of ["image", "env", "ports", "resources"]) {
      assert.deepEqual(container(restart)[field], container(created)[field], field);
    }
    assert.equal(fake.revisions.get(serviceName), 2);
    await runtime.ensure(spec);
    assert.equal(fake.revisions.get(serviceName), 2, "ensure keeps the restart marker, rolls nothing");
  });

  it("lists the instances it owns across pages, with their exact ids", async () => {
    const runtime = setup();
    for (const instanceId of ["Shop.Main_01", "shop.main_01", "b"])
      await runtime.ensure({ ...spec, instanceId });
    const foreign = "projects/wsapi-cell-1/locations/europe-west1/services/unrelated";
    fake.services.set(foreign, { name: foreign, labels: { team: "x" } });
    const listed = await runtime.list(cell);
    assert.deepEqual(listed.sort(), ["Shop.Main_01", "b", "shop.main_01"]);
    assert.ok(find("GET", /\/services$/).length >= 2, "followed the page token");
    assert.deepEqual((await runtime.list()).sort(), listed);
  });
});

describe("instance image and health checks", () => {
  it("refuses an instance image that is not pinned by digest", async () => {
    for (const bad of [
      "europe-docker.pkg.dev/wsapi/instance/instance:1.2.3",
      "europe-docker.pkg.dev/wsapi/instance/instance",
      `instance@sha256:${"a".repeat(64)}`,
      `europe-docker.pkg.dev/wsapi/instance/instance@sha256:${"a".repeat(63)}`,
    ]) {
      assert.throws(() => cloudRunRuntime(options({ image: bad })), /pinned by digest/, bad);
    }
    assert.throws(() => cloudRunRuntime(options({ invokers: [] })), /invokers/);
    const config = {
      projectId: "wsapi-control",
      cells: [cell],
      instanceImage: "europe-docker.pkg.dev/wsapi/instance/instance:latest",
    } as unknown as RuntimeConfig;
    await assert.rejects(cloudRunRuntimeFromConfig(config), /pinned by digest/);
  });

  it("probes the instance's own health route on its port", () => {
    const app = readFileSync(new URL("../../instance/src/app.ts", import.meta.url), "utf8");
    assert.ok(app.includes(`app.get("${HEALTH_PATH}"`), "instance/src/app.ts serves the probed path");
    const instanceConfig = readFileSync(new URL("../../instance/src/config.ts", import.meta.url), "utf8");
    assert.match(instanceConfig, new RegExp(`INSTANCE_ENV\\.port\\]: .*\\.default\\(${CONTAINER_PORT}\\)`));
  });
});

describe("instance resource names", () => {
  it("are DNS-, IAM- and label-safe, deterministic, and keep ids differing only in case apart", () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[A-Za-z0-9._-]{1,128}$/), (instanceId) => {
        const id = serviceId(instanceId);
        assert.ok(/^wsi-[a-z0-9-]*[a-z0-9]$/.test(id) && id.length <= 49 && serviceId(instanceId) === id);
        const account = instanceServiceAccount(cell, instanceId);
        assert.match(account, /^wsi-[0-9a-f]{12}@wsapi-cell-1\.iam\.gserviceaccount\.com$/);
        assert.match(labelValue(instanceId), /^[a-z0-9_-]{1,63}$/);
        if (instanceId === instanceId.toLowerCase()) return;
        assert.notEqual(serviceId(instanceId), serviceId(instanceId.toLowerCase()));
        assert.notEqual(labelValue(instanceId), labelValue(instanceId.toLowerCase()));
      }),
    );
  });
});
