import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { addressMode, scheduleScale } from "../src/composition/webhooks.js";
import { ConfigError, isEmulated, parseConfig, type RawConfig } from "../src/config.js";

// Emulated mode (the Functions emulator running a demo-* project) is the only place local relaxations
// apply; anywhere else the configuration is refused at cold start, naming every problem at once.
const production = {
  dataKeys: '{"current":"1","keys":{"1":"AAAA"}}',
  apiKeyPepper: "p".repeat(32),
  sessionDays: 5,
  runtime: "cloudrun",
  supervisorUrl: "",
  eventsUrl: "https://europe-west1-acme-wsapi.cloudfunctions.net/events",
  instanceTransport: "baileys",
  simulatorUrl: "",
  cells: "[]",
  instanceImage: "",
  webhookScheduleScale: "1",
  webhookSecretGraceHours: 24,
  redisUrl: "redis://10.9.0.3:6379",
  signupLimit: "5/hour",
} as RawConfig;

// What the local stack writes to functions/.env.local.
const relaxations: Record<string, Partial<RawConfig>> = {
  "compressed webhook schedule": { webhookScheduleScale: "0.0001" },
  "local runtime": { runtime: "local" },
  "simulator transport": { instanceTransport: "simulator" },
  "supervisor URL": { supervisorUrl: "http://127.0.0.1:8091" },
  "simulator URL": { simulatorUrl: "http://127.0.0.1:8090" },
  "plain-HTTP events URL": { eventsUrl: "http://127.0.0.1:5001/demo-wsapi/europe-west1/events" },
  "loopback Redis": { redisUrl: "redis://127.0.0.1:6390" },
  "per-minute sign-up window": { signupLimit: "20/minute" },
  "plain-HTTP metrics collector": { metricsUrl: "http://127.0.0.1:8095/v1/metrics" },
};
const everyRelaxation: RawConfig = Object.assign({}, production, ...Object.values(relaxations));

const realProject = { GCLOUD_PROJECT: "acme-wsapi" };
const deployedEnv = { ...realProject, FIREBASE_CONFIG: JSON.stringify({ projectId: "acme-wsapi" }) };
const emulatorEnv = {
  FUNCTIONS_EMULATOR: "true",
  GCLOUD_PROJECT: "demo-wsapi",
  FIREBASE_CONFIG: JSON.stringify({ projectId: "demo-wsapi" }),
};

function problemsOf(raw: RawConfig, env: NodeJS.ProcessEnv): string[] {
  try {
    parseConfig(raw, env);
  } catch (error) {
    assert.ok(error instanceof ConfigError, String(error));
    return error.problems;
  }
  assert.fail("the configuration was accepted");
}

describe("production mode", () => {
  it("accepts the production defaults and keeps every production behaviour", () => {
    const config = parseConfig(production, deployedEnv);
    assert.equal(config.emulated, false);
    assert.equal(config.projectId, "acme-wsapi");
    assert.equal(addressMode(config), "production");
    assert.equal(scheduleScale(config), 1);
    assert.equal(config.webhookSecretGraceMs, 24 * 3600_000);
    assert.equal(config.metricsUrl, "", "metrics go to the Telemetry API");
    assert.equal(parseConfig({ ...production, metricsUrl: "off" }, deployedEnv).metricsUrl, "off");
  });

  it("accepts the params' defaults (an empty events URL, no scale)", () => {
    const config = parseConfig({ ...production, eventsUrl: "", webhookScheduleScale: "" }, realProject);
    assert.equal(config.webhookScheduleScale, 1);
  });

  it("reads the project id from FIREBASE_CONFIG when GCLOUD_PROJECT is unset", () => {
    const config = parseConfig(production, { FIREBASE_CONFIG: JSON.stringify({ projectId: "acme-wsapi" }) });
    assert.equal(config.projectId, "acme-wsapi");
  });

  it("refuses to start without a project id rather than guess one", () => {
    const problems = problemsOf(production, {});
    assert.equal(problems.length, 1);
    assert.match(problems[0]!, /no project id/);
  });

  for (const [name, relaxation] of Object.entries(relaxations)) {
    it(`refuses the ${name} with a real project id`, () => {
      const problems = problemsOf({ ...production, ...relaxation }, deployedEnv);
      assert.equal(problems.length, 1, problems.join("\n"));
      assert.match(problems[0]!, /^WSAPI_[A-Z_]+/);
      assert.match(problems[0]!, /allowed only in the emulators with a demo-\* project/);
    });

    it(`refuses the ${name} with a demo project outside the Functions emulator`, () => {
      const problems = problemsOf({ ...production, ...relaxation }, { GCLOUD_PROJECT: "demo-wsapi" });
      assert.equal(problems.length, 1, problems.join("\n"));
    });
  }

  it("names every relaxation in one message", () => {
    let message = "";
    try {
      parseConfig(everyRelaxation, deployedEnv);
    } catch (error) {
      message = String((error as Error).message);
    }
    for (const param of [
      "WSAPI_WEBHOOK_SCHEDULE_SCALE",
      "WSAPI_RUNTIME",
      "WSAPI_INSTANCE_TRANSPORT",
      "WSAPI_SUPERVISOR_URL",
      "WSAPI_SIMULATOR_URL",
      "WSAPI_EVENTS_URL",
      "WSAPI_REDIS_URL",
      "WSAPI_SIGNUP_LIMIT",
      "WSAPI_METRICS_URL",
    ]) {
      assert.match(message, new RegExp(`- ${param}`), param);
    }
    const count = Object.keys(relaxations).length;
    assert.match(message, new RegExp(`^Refusing to start: the configuration has ${count} problem\\(s\\)`));
  });

  it("lists relaxations together with invalid values", () => {
    const problems = problemsOf({ ...everyRelaxation, apiKeyPepper: "short" }, deployedEnv);
    assert.equal(problems.length, Object.keys(relaxations).length + 1);
    assert.ok(problems.some((problem) => problem.startsWith("apiKeyPepper:")));
    assert.ok(!problems.join("\n").includes("short"), "the secret's value is not in the message");
  });
});

describe("the Functions emulator", () => {
  it("refuses to start with a real project id, even with production settings", () => {
    const env = { ...emulatorEnv, GCLOUD_PROJECT: "acme-wsapi", FIREBASE_CONFIG: "{}" };
    assert.equal(isEmulated(env), false);
    const problems = problemsOf(production, env);
    assert.equal(problems.length, 1);
    assert.match(problems[0]!, /FUNCTIONS_EMULATOR=true with project "acme-wsapi"/);
  });

  it("refuses a real project id and names every local relaxation too", () => {
    const problems = problemsOf(everyRelaxation, { ...emulatorEnv, GCLOUD_PROJECT: "acme-wsapi" });
    assert.equal(problems.length, 1 + Object.keys(relaxations).length);
  });

  it("accepts every local relaxation with a demo project", () => {
    assert.equal(isEmulated(emulatorEnv), true);
    const config = parseConfig(everyRelaxation, emulatorEnv);
    assert.equal(config.emulated, true);
    assert.equal(config.projectId, "demo-wsapi");
    assert.equal(config.runtime, "local");
    assert.equal(config.instanceTransport, "simulator");
    assert.equal(addressMode(config), "local");
    assert.equal(scheduleScale(config), 0.0001);
  });

  it("accepts each relaxation alone with a demo project", () => {
    for (const [name, relaxation] of Object.entries(relaxations)) {
      assert.equal(parseConfig({ ...production, ...relaxation }, emulatorEnv).emulated, true, name);
    }
  });

  it('is not emulated when FUNCTIONS_EMULATOR is anything but "true"', () => {
    for (const value of [undefined, "", "1", "false", "TRUE"]) {
      assert.equal(isEmulated({ ...emulatorEnv, FUNCTIONS_EMULATOR: value }), false, String(value));
    }
  });

  it("still refuses a schedule scale above 1 or not a number", () => {
    for (const webhookScheduleScale of ["2", "fast", "-1"]) {
      assert.throws(() => parseConfig({ ...production, webhookScheduleScale }, emulatorEnv), ConfigError);
    }
  });
});

describe("shared rate-limit store and sign-up limit", () => {
  it("production needs WSAPI_REDIS_URL; the emulators may run without it", () => {
    const problems = problemsOf({ ...production, redisUrl: "" }, deployedEnv);
    assert.equal(problems.length, 1);
    assert.match(problems[0]!, /^WSAPI_REDIS_URL is unset/);
    assert.equal(parseConfig({ ...production, redisUrl: "" }, emulatorEnv).redisUrl, "");
  });

  it("refuses credentials in the URL (AUTH is a secret) and a malformed sign-up limit", () => {
    const problems = problemsOf(
      { ...production, redisUrl: "redis://:hunter2@10.9.0.3:6379", signupLimit: "lots" },
      deployedEnv,
    );
    assert.equal(problems.length, 2, problems.join("\n"));
    assert.ok(!problems.join("\n").includes("hunter2"), "the password is not in the message");
  });

  it("reads the sign-up limit: 5 per hour by default", () => {
    const config = parseConfig({ ...production, signupLimit: undefined }, deployedEnv);
    assert.deepEqual(config.signupLimit, { points: 5, windowSeconds: 3600 });
    assert.deepEqual(parseConfig(everyRelaxation, emulatorEnv).signupLimit, {
      points: 20,
      windowSeconds: 60,
    });
  });

  it("keeps the event log 24 h by default and refuses a retention beyond the webhook retry window", () => {
    assert.equal(parseConfig(production, deployedEnv).eventRetentionMs, 24 * 3600_000);
    assert.equal(
      parseConfig({ ...production, eventRetentionHours: 72 }, deployedEnv).eventRetentionMs,
      72 * 3600_000,
    );
    for (const hours of [0, 73]) {
      const problems = problemsOf({ ...production, eventRetentionHours: hours }, deployedEnv);
      assert.ok(
        problems.some((p) => p.includes("WSAPI_EVENT_RETENTION_HOURS")),
        String(hours),
      );
    }
  });
});
