import { readFileSync } from "node:fs";
import * as pulumi from "@pulumi/pulumi";
import type { InfraConfig } from "../src/config.ts";
import { readDeployment, validateConfig } from "../src/config.ts";
import { buildStack } from "../src/stack.ts";

/** One resource as the Pulumi engine would receive it: what a real `pulumi up` would send to Google. */
export interface Registered {
  type: string;
  name: string;
  inputs: Record<string, unknown>;
}

export const CONTROL_PROJECT = "wsapi-prod";
export const CELL_PROJECT_EU = "wsapi-cells-eu";
export const CELL_PROJECT_US = "wsapi-cells-us";
export const ACCESS_TOKEN = "token-from-gcp-provider";

/** functions/deployment.json itself: the tests check the program against the real file. */
export const DEPLOYMENT = readDeployment();

/** deployment.json as plain JSON, read without the program's parser, for tests that compare the two. */
export const DEPLOYMENT_FILE = JSON.parse(
  readFileSync(new URL("../../functions/deployment.json", import.meta.url), "utf8"),
) as {
  region: string;
  network: string;
  subnetwork: string;
  serviceAccounts: Record<string, string>;
  instanceInvokers: string[];
  functions: Record<string, { identity: string; ingress: string; vpcEgress: boolean }>;
  taskQueues: Record<string, { enqueuers: string[] }>;
};

const registered: Registered[] = [];

/** Deterministic stand-in for a project number, so member strings can be predicted. */
export function projectNumber(projectId: string): string {
  let hash = 0;
  for (const char of projectId) hash = (hash * 31 + char.charCodeAt(0)) % 1_000_000_007;
  return String(100_000_000_000 + hash);
}

/** The writer identity Cloud Logging gives a project's sinks (its logging service agent). */
export function logSinkWriter(projectId: string): string {
  return `serviceAccount:service-${projectNumber(projectId)}@gcp-sa-logging.iam.gserviceaccount.com`;
}

/** Fills in the outputs Google would compute, so dependent resources see realistic values. */
function computedState(type: string, inputs: Record<string, unknown>): Record<string, unknown> {
  const project = String(inputs.project ?? CONTROL_PROJECT);
  switch (type) {
    case "gcp:serviceaccount/account:Account": {
      const email = `${inputs.accountId}@${project}.iam.gserviceaccount.com`;
      return {
        email,
        name: `projects/${project}/serviceAccounts/${email}`,
        member: `serviceAccount:${email}`,
      };
    }
    case "gcp:projects/iAMCustomRole:IAMCustomRole":
      return { name: `projects/${project}/roles/${inputs.roleId}` };
    case "gcp:compute/globalAddress:GlobalAddress":
    case "gcp:compute/address:Address":
      return { address: "203.0.113.10" };
    case "gcp:logging/projectSink:ProjectSink":
      return { writerIdentity: logSinkWriter(project) };
    case "gcp:redis/instance:Instance":
      return { host: "10.9.0.3", port: 6379 };
    case "gcp:artifactregistry/repository:Repository":
      return { name: inputs.repositoryId, registryUri: `registry.test/${project}/${inputs.repositoryId}` };
    default:
      return {};
  }
}

pulumi.runtime.setMocks(
  {
    newResource(args) {
      registered.push({ type: args.type, name: args.name, inputs: args.inputs });
      const computed = computedState(args.type, args.inputs);
      const state = { name: args.name, selfLink: `selfLink/${args.name}`, ...args.inputs, ...computed };
      return { id: `${args.name}-id`, state };
    },
    call(args) {
      if (args.token === "gcp:organizations/getProject:getProject") {
        return { projectId: args.inputs.projectId, number: projectNumber(String(args.inputs.projectId)) };
      }
      if (args.token === "gcp:organizations/getClientConfig:getClientConfig") {
        return { accessToken: ACCESS_TOKEN, project: CONTROL_PROJECT };
      }
      throw new Error(`unexpected invoke ${args.token}`);
    },
  },
  "wsapi-infra",
  "test",
  false,
);

export function testConfig(overrides: Partial<InfraConfig> = {}): InfraConfig {
  return {
    project: CONTROL_PROJECT,
    deployment: DEPLOYMENT,
    region: DEPLOYMENT.region,
    firestoreLocation: "eur3",
    apiDomain: "api.wsapi.test",
    apiServiceName: "api",
    functionsSubnetCidr: "10.8.0.0/22",
    natIpsPerRegion: 2,
    authorizedDomains: ["app.wsapi.test"],
    identity: {
      googleClientId: "google-client-id",
      googleClientSecret: pulumi.secret("google-client-secret"),
      githubClientId: "github-client-id",
      githubClientSecret: pulumi.secret("github-client-secret"),
    },
    rateLimits: { perIp: { count: 2400, intervalSec: 60 } },
    breakGlass: {
      group: "wsapi-oncall@wsapi.test",
      approvers: "wsapi-approvers@wsapi.test",
      roles: ["roles/logging.viewer", "roles/run.viewer"],
    },
    imagePublishers: ["serviceAccount:ci@wsapi-prod.iam.gserviceaccount.com"],
    alertEmails: ["oncall@wsapi.test"],
    cells: [
      {
        id: "eu1",
        project: CELL_PROJECT_EU,
        region: "europe-west1",
        subnetCidr: "10.16.0.0/20",
        sharesControlPlaneProject: false,
      },
      {
        id: "us1",
        project: CELL_PROJECT_US,
        region: "us-central1",
        subnetCidr: "10.32.0.0/20",
        sharesControlPlaneProject: false,
      },
    ],
    ...overrides,
  };
}

/** Builds the whole program against the mocks and waits until every resource is registered. */
export async function buildTestStack(config: InfraConfig = testConfig()) {
  registered.length = 0;
  const stack = buildStack(validateConfig(config));
  await (pulumi.runtime as unknown as { waitForRPCs(): Promise<void> }).waitForRPCs();
  return { stack, resources: [...registered] };
}

export function ofType(resources: Registered[], type: string): Registered[] {
  return resources.filter((resource) => resource.type === type);
}

export function resolved<T>(output: pulumi.Output<T>): Promise<T> {
  return new Promise((resolve) => output.apply(resolve));
}

export const serviceAccountMember = (accountId: string, project = CONTROL_PROJECT) =>
  `serviceAccount:${accountId}@${project}.iam.gserviceaccount.com`;

/** True when the engine received the value marked secret (encrypted in state, masked in output). */
export function isSecret(value: unknown): boolean {
  return (
    typeof value === "object" &&
    value !== null &&
    (value as Record<string, unknown>)[pulumi.runtime.specialSigKey] === pulumi.runtime.specialSecretSig
  );
}

/** Every string anywhere inside a resource's inputs, for properties that must hold everywhere. */
export function allStrings(value: unknown): string[] {
  if (typeof value === "string") return [value];
  if (Array.isArray(value)) return value.flatMap(allStrings);
  if (value && typeof value === "object") return Object.values(value).flatMap(allStrings);
  return [];
}
