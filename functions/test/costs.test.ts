import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { after, before, describe, it } from "node:test";
import { v2 } from "@google-cloud/run";
import { SecretManagerServiceClient } from "@google-cloud/secret-manager";
import {
  type CloudRunCell,
  type CloudRunRuntimeOptions,
  cloudRunRuntime,
} from "../src/adapters/cloudRunRuntime.js";
import { FakeCloudRun } from "./support/fakeCloudRun.js";

// docs/COSTS.md prices one instance-month from the Cloud Run spec in code. This test builds an
// instance service through the real adapter with its default resources and checks the document
// against it, so neither the spec nor the arithmetic can change without the document.

const COSTS_DOC = new URL("../../docs/COSTS.md", import.meta.url);
const CENT = 0.01;

interface CostModel {
  cpu: number;
  memoryGiB: number;
  billing: string;
  cpuIdle: boolean;
  minInstances: number;
  maxInstances: number;
  pricePerVcpuSecond: number;
  pricePerGibSecond: number;
  hoursPerMonth: number;
  cpuUsd: number;
  memoryUsd: number;
  instanceMonthUsd: number;
  instancesPerThousandUsd: number;
}

/** What the adapter's spec says about billing: resources, CPU allocation and scaling. */
interface BilledSpec {
  cpu: string;
  memory: string;
  cpuIdle: boolean | undefined;
  serviceScaling: { minInstanceCount?: number; maxInstanceCount?: number } | undefined;
  templateScaling: { minInstanceCount?: number; maxInstanceCount?: number } | undefined;
}

function costModel(markdown: string): CostModel {
  const match = /```json cost-model\n([\s\S]*?)\n```/.exec(markdown);
  assert.ok(match?.[1], "docs/COSTS.md has a ```json cost-model block");
  return JSON.parse(match[1]) as CostModel;
}

/** Kubernetes CPU quantity ("1", "2", "1000m") in vCPU. */
function vcpus(quantity: string): number {
  const milli = /^(\d+)m$/.exec(quantity);
  if (milli) return Number(milli[1]) / 1000;
  assert.match(quantity, /^\d+(\.\d+)?$/, `CPU quantity ${quantity}`);
  return Number(quantity);
}

const MEMORY_UNITS: Record<string, number> = {
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  k: 1e3,
  M: 1e6,
  G: 1e9,
};

/** Kubernetes memory quantity ("512Mi", "1Gi", "2G") in GiB. */
function gibibytes(quantity: string): number {
  const match = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|k|M|G)$/.exec(quantity);
  assert.ok(match?.[1] && match[2], `memory quantity ${quantity}`);
  return (Number(match[1]) * (MEMORY_UNITS[match[2]] ?? Number.NaN)) / 2 ** 30;
}

const SECONDS_PER_HOUR = 3_600;

/** Every way the document disagrees with the spec or with its own arithmetic; empty when it holds. */
function mismatches(doc: CostModel, spec: BilledSpec): string[] {
  const problems: string[] = [];
  const cpu = vcpus(spec.cpu);
  const memoryGiB = gibibytes(spec.memory);
  if (doc.cpu !== cpu) problems.push(`cpu: document ${doc.cpu}, spec ${spec.cpu} = ${cpu}`);
  if (Math.abs(doc.memoryGiB - memoryGiB) > 1e-9) {
    problems.push(`memoryGiB: document ${doc.memoryGiB}, spec ${spec.memory} = ${memoryGiB}`);
  }
  // cpuIdle false is CPU always allocated, which Cloud Run bills per instance, not per request.
  const billing = spec.cpuIdle === false ? "instance-based" : "request-based";
  if (doc.billing !== billing) problems.push(`billing: document ${doc.billing}, spec implies ${billing}`);
  if (doc.cpuIdle !== spec.cpuIdle) problems.push(`cpuIdle: document ${doc.cpuIdle}, spec ${spec.cpuIdle}`);
  for (const [where, scaling] of [
    ["service", spec.serviceScaling],
    ["template", spec.templateScaling],
  ] as const) {
    if (scaling?.minInstanceCount !== doc.minInstances || scaling?.maxInstanceCount !== doc.maxInstances) {
      problems.push(
        `${where} scaling: document ${doc.minInstances}..${doc.maxInstances}, spec ${scaling?.minInstanceCount}..${scaling?.maxInstanceCount}`,
      );
    }
  }
  // An always-on instance is billed for every second of the month, once per instance.
  if (doc.minInstances !== 1 || doc.maxInstances !== 1)
    problems.push("an instance-month assumes min = max = 1");
  if (billing === "instance-based" && cpu < 1) problems.push("instance-based billing needs at least 1 vCPU");

  const seconds = doc.hoursPerMonth * SECONDS_PER_HOUR;
  const cpuUsd = doc.cpu * seconds * doc.pricePerVcpuSecond;
  const memoryUsd = doc.memoryGiB * seconds * doc.pricePerGibSecond;
  const total = cpuUsd + memoryUsd;
  const near = (name: string, stated: number, computed: number) => {
    if (!(Math.abs(stated - computed) < CENT))
      problems.push(`${name}: document ${stated}, arithmetic ${computed}`);
  };
  near("cpuUsd", doc.cpuUsd, cpuUsd);
  near("memoryUsd", doc.memoryUsd, memoryUsd);
  near("instanceMonthUsd", doc.instanceMonthUsd, total);
  near("instancesPerThousandUsd", doc.instancesPerThousandUsd, 1_000 * total);
  return problems;
}

const GATEWAY = "gateway@wsapi-control.iam.gserviceaccount.com";
const cell: CloudRunCell = {
  id: "a",
  projectId: "wsapi-cell-1",
  region: "europe-west1",
  capacity: 9,
  network: "projects/n/global/networks/wsi",
  subnetwork: "projects/n/regions/europe-west1/subnetworks/wsi",
};

let fake: FakeCloudRun;
let services: v2.ServicesClient;
let secrets: SecretManagerServiceClient;
let spec: BilledSpec;
let markdown: string;

before(async () => {
  markdown = readFileSync(COSTS_DOC, "utf8");
  fake = await FakeCloudRun.start();
  const rest = { fallback: true, protocol: "http", apiEndpoint: "127.0.0.1", port: fake.port, apiKey: "k" };
  services = new v2.ServicesClient(rest);
  secrets = new SecretManagerServiceClient(rest);
  // No `resources` option: what production runs is the adapter's default. The options are built
  // loosely on purpose: this test is about resources and billing, not about who may invoke or how
  // instance accounts are made, so it names both the older and the newer fields for those.
  const options = {
    services,
    secrets,
    image: `europe-docker.pkg.dev/wsapi/instance/instance@sha256:${"0".repeat(64)}`,
    gatewayServiceAccount: GATEWAY,
    invokers: [GATEWAY],
    accounts: { ensure: async () => {}, remove: async () => {} },
    cells: [cell],
    polling: { initialDelayMs: 5, maxDelayMs: 20, timeoutMs: 5_000 },
    propagationDelaysMs: [],
  } as unknown as CloudRunRuntimeOptions;
  const runtime = cloudRunRuntime(options);
  await runtime.ensure({
    instanceId: "cost-probe",
    accountId: "costs",
    cell,
    env: {},
    instanceSecret: `isk_${randomBytes(32).toString("base64url")}`,
  });
  const create = fake.requests.find((r) => r.method === "POST" && r.path.endsWith("/services"));
  assert.ok(create?.body, "the adapter created a service");
  type Scaling = BilledSpec["serviceScaling"];
  const body = create.body as {
    scaling?: Scaling;
    template?: {
      scaling?: Scaling;
      containers?: Array<{ resources?: { limits?: Record<string, string>; cpuIdle?: boolean } }>;
    };
  };
  const containers = body.template?.containers ?? [];
  assert.equal(containers.length, 1, "one container per instance service");
  const resources = containers[0]?.resources;
  spec = {
    cpu: resources?.limits?.cpu ?? "",
    memory: resources?.limits?.memory ?? "",
    cpuIdle: resources?.cpuIdle,
    serviceScaling: body.scaling,
    templateScaling: body.template?.scaling,
  };
});

after(async () => {
  await Promise.all([services?.close(), secrets?.close()]);
  await fake?.close();
});

describe("docs/COSTS.md", () => {
  it("prices the CPU, memory, billing mode and scaling the adapter deploys, with correct arithmetic", () => {
    assert.deepEqual(mismatches(costModel(markdown), spec), []);
  });

  it("would fail if the spec's CPU, memory, CPU allocation or scaling changed", () => {
    const doc = costModel(markdown);
    const changed: Array<[string, Partial<BilledSpec>]> = [
      ["cpu", { cpu: "2" }],
      ["memory", { memory: "1Gi" }],
      ["cpuIdle", { cpuIdle: true }],
      ["scaling", { templateScaling: { minInstanceCount: 0, maxInstanceCount: 1 } }],
    ];
    for (const [what, change] of changed) {
      assert.notDeepEqual(mismatches(doc, { ...spec, ...change }), [], `a changed ${what} is caught`);
    }
    assert.notDeepEqual(mismatches({ ...doc, instanceMonthUsd: doc.instanceMonthUsd + 2 * CENT }, spec), []);
  });

  it("states the instance-month total and the per-1,000 line in its prose as in the block", () => {
    const doc = costModel(markdown);
    const usd = (value: number) =>
      value.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 });
    assert.ok(markdown.includes(`**$${usd(doc.instanceMonthUsd)} per instance-month**`));
    assert.ok(markdown.includes(`| **${usd(doc.instanceMonthUsd)}** |`));
    assert.ok(markdown.includes(`| **${usd(doc.instancesPerThousandUsd)}** |`));
    assert.ok(markdown.includes(`$${doc.pricePerVcpuSecond.toFixed(7)} / vCPU-s`));
    assert.ok(markdown.includes(`$${doc.pricePerGibSecond.toFixed(7)} / GiB-s`));
  });

  it("adds up the per-1,000-instances table", () => {
    const section = markdown.slice(markdown.indexOf("### Monthly cost per 1,000 instances"));
    const rows = section
      .split("\n")
      .filter((line) => line.startsWith("| "))
      .map((line) => line.split("|").map((cell) => cell.trim()))
      .map((cells) => ({ item: cells[1] ?? "", usd: Number((cells[3] ?? "").replace(/[*,]/g, "")) }));
    const usdOf = (item: string) => rows.find((row) => row.item === item)?.usd ?? Number.NaN;
    const instances = usdOf("**Cloud Run instance services**");
    const rest = usdOf("**Everything but instance services**");
    const total = usdOf("**Total per 1,000 instances**");
    const start = rows.findIndex((row) => row.item === "**Cloud Run instance services**");
    const end = rows.findIndex((row) => row.item === "**Everything but instance services**");
    assert.ok(start >= 0 && end > start, "the table has its instance and subtotal rows");
    const lines = rows.slice(start + 1, end).map((row) => row.usd);
    assert.ok(lines.every(Number.isFinite), "every line has a USD amount");
    assert.ok(Math.abs(lines.reduce((sum, usd) => sum + usd, 0) - rest) < CENT);
    assert.ok(Math.abs(instances - costModel(markdown).instancesPerThousandUsd) < CENT);
    assert.ok(Math.abs(instances + rest - total) < CENT);
  });

  it("parses the quantities Cloud Run accepts", () => {
    assert.equal(vcpus("1000m"), 1);
    assert.equal(vcpus("2"), 2);
    assert.equal(gibibytes("512Mi"), 0.5);
    assert.equal(gibibytes("2Gi"), 2);
  });
});
