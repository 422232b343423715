import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Instance } from "../src/core/instances.js";
import { instanceDetail } from "../src/core/instances.js";
import { reconcile } from "../src/core/provisioning.js";
import { RUNTIME_DETAILS, runtimeDetailCode } from "../src/core/runtimeDetail.js";

// Runtime problems reach customers as one of a few codes with fixed phrases; the provider's text
// (which can name projects, service accounts, images) goes only to our logs, redacted.
const CLOUD_RUN_TEXTS: Array<[string, keyof typeof RUNTIME_DETAILS]> = [
  [
    "Revision 'wi01-00001-abc' is not ready and cannot serve traffic. Image 'europe-west1-docker.pkg.dev/wsapi-prod/wsapi-instance/instance@sha256:43ac' not found.",
    "image_unavailable",
  ],
  [
    "The user-provided container failed the configured startup probe checks. Logs URL: https://console.cloud.google.com/logs/viewer?project=wsapi-cell-7",
    "health_check_failed",
  ],
  [
    "The user-provided container failed to start and listen on the port defined provided by the PORT=8080 environment variable.",
    "start_failed",
  ],
  ["Quota exceeded for total allowable CPU per project per region.", "capacity"],
  [
    "Permission 'iam.serviceaccounts.actAs' denied on service account wsapi-i-wi01@wsapi-cell-7.iam.gserviceaccount.com",
    "permission",
  ],
  ["exited with code 1", "start_failed"],
  ["Something nobody anticipated at 10.8.0.3", "unknown"],
];

describe("runtime details are codes, not provider text", () => {
  it("maps Cloud Run condition messages to the closed set", () => {
    for (const [text, code] of CLOUD_RUN_TEXTS) assert.equal(runtimeDetailCode("crashed", text), code, text);
    assert.equal(runtimeDetailCode("starting", "Deploying revision wi01-00002."), "deploying");
    assert.equal(runtimeDetailCode("running", undefined), undefined);
  });

  it("stores the code, logs the text, and shows a fixed phrase", async () => {
    const [text] = CLOUD_RUN_TEXTS[1]!;
    const instance = {
      instanceId: "shop",
      accountId: "acct",
      runtimeId: "wi01",
      name: "shop",
      createdAt: 0,
      settings: {},
      apiKey: { prefix: "wsk_x", createdAt: 0 },
      runtime: { state: "provisioning", updatedAt: 0 },
    } as unknown as Instance;
    let stored: Record<string, unknown> = {};
    const logged: string[] = [];
    // The reconciler records the status it reads before re-creating the runtime (which fails here
    // on the fake secret, after the record was written).
    await reconcile({
      instances: {
        async *listAll() {
          yield instance;
        },
        getSecrets: async () => undefined,
        update: async (_a: string, _i: string, patch: Record<string, unknown>) => {
          stored = patch;
          return true;
        },
      } as never,
      runtime: { status: async () => ({ state: "crashed", detail: text }) } as never,
      keyRing: {} as never,
      clock: { now: () => 1 },
      baseEnv: {},
      cells: [],
      chooseCell: async () => undefined,
      logger: { event: (_s, name, fields) => logged.push(JSON.stringify({ name, ...fields })) },
    }).catch(() => undefined);
    assert.deepEqual((stored.runtime as { detail?: string }).detail, "health_check_failed");
    assert.ok(logged.some((line) => line.includes("startup probe")));
    const view = instanceDetail({ ...instance, runtime: stored.runtime as Instance["runtime"] });
    assert.deepEqual(view.runtime, {
      state: "crashed",
      code: "health_check_failed",
      detail: RUNTIME_DETAILS.health_check_failed,
    });
  });

  it("an instance record written before codes shows a code and phrase, not its stored text", () => {
    const [text] = CLOUD_RUN_TEXTS[4]!;
    const view = instanceDetail({
      instanceId: "shop",
      runtimeId: "wi01",
      name: "shop",
      createdAt: 0,
      settings: { hasSigningSecret: false, hasWebhookAuthValue: false },
      apiKey: { prefix: "wsk_x", createdAt: 0 },
      runtime: { state: "crashed", detail: text, updatedAt: 0 },
    } as unknown as Instance);
    assert.deepEqual(view.runtime, {
      state: "crashed",
      code: "permission",
      detail: RUNTIME_DETAILS.permission,
    });
    assert.ok(!JSON.stringify(view).includes("gserviceaccount"));
  });
});
