import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { describe, test } from "node:test";
import { parseDeployment } from "../src/config.ts";
import { FUNCTION_NEEDS } from "../src/iam.ts";
import { SECRET_IDS } from "../src/secrets.ts";
import {
  buildTestStack,
  CONTROL_PROJECT,
  DEPLOYMENT_FILE,
  ofType,
  type Registered,
  serviceAccountMember,
  testConfig,
} from "./harness.ts";

const members = (resources: Registered[]) =>
  resources.filter((r) => typeof r.inputs.role === "string").map((r) => String(r.inputs.member));

describe("the Pulumi program and functions/deployment.json agree", () => {
  test("the accounts created are exactly deployment.json's serviceAccounts", async () => {
    const { resources } = await buildTestStack();
    const accounts = ofType(resources, "gcp:serviceaccount/account:Account");
    assert.deepEqual(
      accounts.map((a) => a.inputs.accountId).sort(),
      Object.values(DEPLOYMENT_FILE.serviceAccounts).sort(),
    );
    for (const account of accounts) assert.equal(account.inputs.project, CONTROL_PROJECT);
  });

  test("the functions' VPC and subnet carry deployment.json's names, in its region", async () => {
    const { resources } = await buildTestStack();
    const [network] = ofType(resources, "gcp:compute/network:Network");
    assert.equal(network?.inputs.name, DEPLOYMENT_FILE.network);
    const subnet = ofType(resources, "gcp:compute/subnetwork:Subnetwork").find(
      (s) => s.inputs.name === DEPLOYMENT_FILE.subnetwork,
    );
    assert.ok(subnet, `no subnet ${DEPLOYMENT_FILE.subnetwork}`);
    assert.equal(subnet.inputs.region, DEPLOYMENT_FILE.region);
    assert.equal(subnet.inputs.ipCidrRange, testConfig().functionsSubnetCidr);
  });

  test("the load balancer's backend is the `api` function's Cloud Run service in deployment.json's region", async () => {
    const { resources } = await buildTestStack();
    const [neg] = ofType(resources, "gcp:compute/regionNetworkEndpointGroup:RegionNetworkEndpointGroup");
    assert.deepEqual(neg?.inputs.cloudRun, { service: "api" });
    assert.equal(neg?.inputs.region, DEPLOYMENT_FILE.region);
    assert.equal(DEPLOYMENT_FILE.functions.api?.ingress, "ALLOW_INTERNAL_AND_GCLB");
  });

  test("secrets and the instance image repository live in deployment.json's region", async () => {
    const { resources } = await buildTestStack();
    for (const secret of ofType(resources, "gcp:secretmanager/secret:Secret")) {
      assert.deepEqual(secret.inputs.replication, {
        userManaged: { replicas: [{ location: DEPLOYMENT_FILE.region }] },
      });
    }
    const [repository] = ofType(resources, "gcp:artifactregistry/repository:Repository");
    assert.equal(repository?.inputs.location, DEPLOYMENT_FILE.region);
  });

  test("every grant to a service account goes to one of the three, a Google service agent or an image publisher", async () => {
    const { resources } = await buildTestStack();
    const ours = Object.values(DEPLOYMENT_FILE.serviceAccounts).map((id) => serviceAccountMember(id));
    const publishers = testConfig().imagePublishers;
    const serviceAgent =
      /^serviceAccount:service-\d+@(serverless-robot-prod|gcp-sa-[a-z-]+)\.iam\.gserviceaccount\.com$/;
    for (const member of members(resources).filter((m) => m.startsWith("serviceAccount:"))) {
      assert.ok(
        ours.includes(member) || publishers.includes(member) || serviceAgent.test(member),
        `${member} is not an identity of deployment.json`,
      );
    }
    for (const id of Object.values(DEPLOYMENT_FILE.serviceAccounts)) {
      assert.ok(members(resources).includes(serviceAccountMember(id)), `${id} is granted nothing`);
    }
  });

  test("the functions' task queues are firebase deploy's: this program creates none and grants no enqueuer", async () => {
    const { resources } = await buildTestStack();
    assert.deepEqual(ofType(resources, "gcp:cloudtasks/queue:Queue"), []);
    assert.deepEqual(ofType(resources, "gcp:cloudtasks/queueIamMember:QueueIamMember"), []);
    // firebase-admin signs each task as the enqueuer itself: actAs on oneself, for enqueuers only.
    const enqueuers = [...new Set(Object.values(DEPLOYMENT_FILE.taskQueues).flatMap((q) => q.enqueuers))];
    const selfUsers = ofType(resources, "gcp:serviceaccount/iAMMember:IAMMember").map((g) => g.inputs.member);
    assert.deepEqual(
      selfUsers.sort(),
      enqueuers.map((who) => serviceAccountMember(DEPLOYMENT_FILE.serviceAccounts[who]!)).sort(),
    );
  });
});

describe("FUNCTION_NEEDS follows the triggers", () => {
  test("it lists exactly deployment.json's functions", () => {
    assert.deepEqual(Object.keys(FUNCTION_NEEDS).sort(), Object.keys(DEPLOYMENT_FILE.functions).sort());
  });

  test("each function's secrets are the ones its trigger declares", () => {
    const root = new URL("../../functions/src/", import.meta.url);
    const read = (path: string) => readFileSync(new URL(path, root), "utf8");
    // params.ts: `export const dataKeys = defineSecret("WSAPI_DATA_KEYS")`
    const secretOfParam = new Map(
      [...read("params.ts").matchAll(/export const (\w+) = defineSecret\("(\w+)"\)/g)].map((m) => [
        m[1],
        m[2],
      ]),
    );
    // runtime.ts: `export const accountSecrets = [params.dataKeys, params.apiKeyPepper];`
    const lists = new Map(
      [...read("triggers/runtime.ts").matchAll(/export const (\w+) = \[([^\]]*)\]/g)].map((m) => [
        m[1],
        [...m[2]!.matchAll(/params\.(\w+)/g)].map((p) => secretOfParam.get(p[1]!)).sort(),
      ]),
    );
    const declared = new Map<string, unknown>();
    for (const file of readdirSync(new URL("triggers/", root)).filter((f) => f.endsWith(".ts"))) {
      for (const m of read(`triggers/${file}`).matchAll(/placement\("(\w+)"\)[^;]*?secrets: (\w+)/g)) {
        declared.set(m[1]!, lists.get(m[2]!));
      }
    }
    assert.deepEqual([...declared.keys()].sort(), Object.keys(DEPLOYMENT_FILE.functions).sort());
    for (const [name, needs] of Object.entries(FUNCTION_NEEDS)) {
      assert.deepEqual(
        needs.secrets.map((key) => SECRET_IDS[key]).sort(),
        declared.get(name),
        `${name} declares other secrets than infra grants`,
      );
    }
  });
});

describe("deployment.json is checked before anything is built", () => {
  test("unknown identities, missing accounts, a queue without a function and an api off the LB are refused", () => {
    const good = structuredClone(DEPLOYMENT_FILE);
    assert.doesNotThrow(() => parseDeployment(good));
    const broken = structuredClone(DEPLOYMENT_FILE) as Record<string, unknown> & typeof DEPLOYMENT_FILE;
    broken.functions.events = { identity: "functions", ingress: "ALLOW_ALL", vpcEgress: false };
    delete (broken.serviceAccounts as Record<string, string>).provisioner;
    broken.taskQueues.nothing = { enqueuers: ["gateway"] };
    broken.functions.api = { identity: "gateway", ingress: "ALLOW_ALL", vpcEgress: true };
    const error = (() => {
      try {
        parseDeployment(broken);
        return "";
      } catch (e) {
        return String(e);
      }
    })();
    for (const expected of [
      "functions.events needs an identity",
      "serviceAccounts.provisioner must be a service account id",
      "taskQueues.nothing has no function",
      "function api must exist with ingress ALLOW_INTERNAL_AND_GCLB",
    ]) {
      assert.ok(error.includes(expected), `${expected} not in ${error}`);
    }
  });

  test("a function infra does not know is refused instead of running with no grants", async () => {
    const config = testConfig();
    const deployment = {
      ...config.deployment,
      functions: {
        ...config.deployment.functions,
        newfunction: { identity: "gateway" as const, ingress: "ALLOW_ALL", vpcEgress: false },
      },
    };
    await assert.rejects(buildTestStack({ ...config, deployment }), /FUNCTION_NEEDS knows/);
  });
});
