import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { deployment } from "../src/deployment.js";
import { copyUpload } from "./support/uploadCopy.js";

// Builds the manifest exactly as `firebase deploy` does (firebase-functions' own discovery binary over
// the built functions/lib), from a copy of what deploy uploads placed outside the monorepo, and checks
// what Google Cloud would create from it.
const functionsDir = fileURLToPath(new URL("..", import.meta.url));
const workDir = mkdtempSync(join(tmpdir(), "wsapi-manifest-"));
after(() => rmSync(workDir, { recursive: true, force: true }));
const uploadDir = join(workDir, "functions");
const uploaded = await copyUpload(functionsDir, uploadDir);

// firebase-tools discovers without emulator variables; strip any the test runner inherited.
const deployEnv = Object.fromEntries(
  Object.entries(process.env).filter(([name]) => !/^(FUNCTIONS_EMULATOR|FIREBASE_|FIRESTORE_)/.test(name)),
);

interface Endpoint {
  region?: string[];
  serviceAccountEmail?: string | null;
  ingressSettings?: string | null;
  vpc?: {
    egressSettings?: string;
    networkInterfaces?: Array<{ network?: string; subnetwork?: string }>;
  } | null;
  httpsTrigger?: { invoker?: string[] | null };
  taskQueueTrigger?: {
    invoker?: string[] | null;
    retryConfig?: Record<string, number | null>;
    rateLimits?: Record<string, number | null>;
  };
  blockingTrigger?: unknown;
  scheduleTrigger?: unknown;
  secretEnvironmentVariables?: Array<{ key: string }> | null;
  eventTrigger?: { eventType?: string; retry?: boolean };
}

function buildManifest(): Record<string, Endpoint> {
  const output = join(workDir, "manifest.json");
  // The package's `bin`, which firebase-tools runs from the functions directory.
  const bin = fileURLToPath(new URL("../../node_modules/.bin/firebase-functions", import.meta.url));
  execFileSync(process.execPath, [bin, "."], {
    cwd: uploadDir,
    env: { ...deployEnv, FUNCTIONS_MANIFEST_OUTPUT_PATH: output },
    stdio: ["ignore", "ignore", "pipe"],
  });
  return JSON.parse(readFileSync(output, "utf8")).endpoints;
}

const endpoints = buildManifest();
const accountOf = (name: string) => endpoints[name]?.serviceAccountEmail;
const ref = (identity: keyof typeof deployment.serviceAccounts) => `${deployment.serviceAccounts[identity]}@`;

describe("the functions manifest firebase deploy sends", () => {
  it("deploys exactly the functions deployment.json describes", () => {
    assert.deepEqual(Object.keys(endpoints).sort(), Object.keys(deployment.functions).sort());
    assert.equal(Object.keys(endpoints).length, 10);
  });

  it("places every function in the deployment region", () => {
    for (const [name, endpoint] of Object.entries(endpoints)) {
      assert.deepEqual(endpoint.region, [deployment.region], `${name} region`);
    }
  });

  it("runs every function as one of three dedicated identities, never the default account", () => {
    for (const [name, spec] of Object.entries(deployment.functions)) {
      assert.equal(accountOf(name), ref(spec.identity), `${name} service account`);
    }
    const used = new Set(Object.values(endpoints).map((endpoint) => endpoint.serviceAccountEmail));
    assert.equal(used.size, 3);
    assert.equal(accountOf("api"), ref("gateway"));
    for (const name of [
      "dashboard",
      "events",
      "deliverwebhook",
      "beforecreated",
      "beforesignedin",
      "accountdeleted",
    ]) {
      assert.equal(accountOf(name), ref("controlPlane"), name);
    }
    assert.equal(accountOf("provisioninstance"), ref("provisioner"));
    assert.equal(accountOf("reconcileinstances"), ref("provisioner"));
  });

  it("runs no function reachable from outside Google as the provisioner", () => {
    for (const [name, endpoint] of Object.entries(endpoints)) {
      const publicInvoker = endpoint.httpsTrigger?.invoker?.includes("public") || endpoint.blockingTrigger;
      const publicIngress = endpoint.ingressSettings !== "ALLOW_INTERNAL_ONLY";
      if (publicInvoker || publicIngress)
        assert.notEqual(endpoint.serviceAccountEmail, ref("provisioner"), name);
    }
  });

  it("opens each function's ingress only as far as its callers need", () => {
    assert.equal(endpoints.api?.ingressSettings, "ALLOW_INTERNAL_AND_GCLB");
    assert.equal(endpoints.events?.ingressSettings, "ALLOW_INTERNAL_ONLY");
    // Hosting rewrites and Identity Platform's blocking calls come from outside the VPC.
    assert.equal(endpoints.dashboard?.ingressSettings, "ALLOW_ALL");
    for (const name of ["beforecreated", "beforesignedin"])
      assert.equal(endpoints[name]?.ingressSettings, "ALLOW_ALL");
    // Cloud Tasks, Cloud Scheduler and Eventarc count as internal callers.
    for (const name of [
      "deliverwebhook",
      "provisioninstance",
      "reconcileinstances",
      "reencryptsecrets",
      "accountdeleted",
    ]) {
      assert.equal(endpoints[name]?.ingressSettings, "ALLOW_INTERNAL_ONLY", name);
    }
  });

  it("sends all traffic of every function that calls an instance through the VPC", () => {
    for (const name of ["api", "dashboard", "deliverwebhook", "accountdeleted"]) {
      assert.deepEqual(
        endpoints[name]?.vpc,
        {
          egressSettings: "ALL_TRAFFIC",
          networkInterfaces: [{ network: deployment.network, subnetwork: deployment.subnetwork }],
        },
        name,
      );
    }
    for (const [name, spec] of Object.entries(deployment.functions)) {
      if (!spec.vpcEgress) assert.equal(endpoints[name]?.vpc ?? null, null, name);
    }
  });

  it("lets only the enqueuing identities invoke task-queue functions, with the configured retries", () => {
    const queues = Object.entries(endpoints).filter(([, endpoint]) => endpoint.taskQueueTrigger);
    assert.deepEqual(queues.map(([name]) => name).sort(), Object.keys(deployment.taskQueues).sort());
    for (const [name, endpoint] of queues) {
      const queue = deployment.taskQueues[name]!;
      const trigger = endpoint.taskQueueTrigger!;
      assert.deepEqual(trigger.invoker?.sort(), queue.enqueuers.map(ref).sort(), `${name} invoker`);
      assert.ok(!trigger.invoker?.includes("public"));
      assert.equal(trigger.retryConfig?.maxAttempts, queue.retry.maxAttempts);
      assert.equal(trigger.rateLimits?.maxConcurrentDispatches, queue.rateLimits.maxConcurrentDispatches);
    }
    assert.deepEqual(deployment.taskQueues.provisioninstance?.enqueuers.sort(), ["controlPlane", "gateway"]);
  });

  it("mounts each optional secret only into the functions that read it", () => {
    const declaring = (secret: string) =>
      Object.entries(endpoints)
        .filter(([, endpoint]) => endpoint.secretEnvironmentVariables?.some((s) => s.key === secret))
        .map(([name]) => name)
        .sort();
    assert.deepEqual(declaring("WSAPI_REDIS_AUTH"), ["api", "dashboard"]);
    assert.deepEqual(declaring("WSAPI_GATEWAY_SIGNING_KEY"), [
      "accountdeleted",
      "api",
      "dashboard",
      "provisioninstance",
      "reconcileinstances",
    ]);
    assert.equal(declaring("WSAPI_DATA_KEYS").length, Object.keys(endpoints).length);
  });

  it("runs the account deletion job on Firebase Auth's deletion event, retried until it ends", () => {
    const events = Object.entries(endpoints).filter(([, endpoint]) => endpoint.eventTrigger);
    assert.deepEqual(
      events.map(([name, endpoint]) => [
        name,
        endpoint.eventTrigger?.eventType,
        endpoint.eventTrigger?.retry,
      ]),
      [["accountdeleted", "google.firebase.auth.user.v2.deleted", true]],
    );
  });

  it("keeps HTTPS functions public only where the caller has no Google identity", () => {
    const https = Object.entries(endpoints).filter(([, endpoint]) => endpoint.httpsTrigger);
    assert.deepEqual(https.map(([name]) => name).sort(), ["api", "dashboard", "events"]);
    for (const [name, endpoint] of https) assert.deepEqual(endpoint.httpsTrigger?.invoker, ["public"], name);
  });
});

describe("what firebase deploy uploads", () => {
  const modules = uploaded.filter((file) => file.startsWith("lib/") && file.endsWith(".js"));

  it("carries @wsapi/contracts inside lib/ and depends on nothing Cloud Build cannot install", () => {
    assert.ok(modules.includes("lib/vendor/contracts/events.js"));
    for (const file of modules) {
      assert.doesNotMatch(readFileSync(join(uploadDir, file), "utf8"), /["']@wsapi\//, file);
    }
    const { dependencies } = JSON.parse(readFileSync(join(uploadDir, "package.json"), "utf8"));
    for (const [name, spec] of Object.entries<string>(dependencies)) {
      assert.ok(!name.startsWith("@wsapi/") && !/^(file|link|workspace):/.test(spec), `${name}@${spec}`);
    }
  });

  it("loads every module of the upload outside the monorepo", () => {
    const load = `for (const file of ${JSON.stringify(modules)}) await import("./" + file);`;
    execFileSync(process.execPath, ["--input-type=module", "--eval", load], {
      cwd: uploadDir,
      env: deployEnv,
      stdio: ["ignore", "ignore", "pipe"],
    });
  });
});

describe("Hosting and deployment.json agree", () => {
  it("rewrites /v1/** to the dashboard in the functions' region", () => {
    const firebase = JSON.parse(readFileSync(new URL("../../firebase.json", import.meta.url), "utf8"));
    const rewrite = firebase.hosting.rewrites.find((r: { source: string }) => r.source === "/v1/**");
    assert.deepEqual(rewrite.function, { functionId: "dashboard", region: deployment.region });
  });
});
