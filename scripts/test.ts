import { spawn } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { startStack } from "./stack/stack.js";

// `npm test`: typecheck, lint, unit tests, then integration tests against one local stack that
// this command starts and stops. `npm run test:unit` (--unit): the build and the unit tests of every
// workspace only, no stack. Ends with one summary line.
const unitOnly = process.argv.includes("--unit");
const results: Array<{ step: string; ok: boolean; passed: number; failed: number }> = [];

function findTests(...dirs: string[]): string[] {
  const found: string[] = [];
  const walk = (dir: string) => {
    if (!existsSync(dir)) return;
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (name === "node_modules" || name === "fixtures") continue;
      if (statSync(path).isDirectory()) walk(path);
      else if (name.endsWith(".test.ts")) found.push(path);
    }
  };
  for (const dir of dirs) walk(dir);
  return found.sort();
}

// Asynchronous on purpose: the stack (and its instance supervisor) lives in this process, and its
// children's output must keep draining while tests run, or they block writing their logs.
async function run(
  step: string,
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv = {},
): Promise<boolean> {
  console.log(`\n▶ ${step}`);
  const child = spawn(command, args, {
    stdio: ["ignore", "pipe", "inherit"],
    env: { ...process.env, ...env },
  });
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => {
    output += chunk.toString("utf8");
    process.stdout.write(chunk);
  });
  const status = await new Promise<number | null>((resolve) => child.once("close", (code) => resolve(code)));
  const count = (label: string) => Number(new RegExp(`^ℹ ${label} (\\d+)$`, "m").exec(output)?.[1] ?? 0);
  const ok = status === 0;
  results.push({ step, ok, passed: count("pass"), failed: count("fail") + (ok || count("fail") ? 0 : 1) });
  return ok;
}

async function nodeTests(step: string, files: string[], env: NodeJS.ProcessEnv = {}): Promise<boolean> {
  if (files.length === 0) return true;
  // A hung test fails after 10 minutes instead of holding CI until its deadline.
  const args = [
    "--import",
    "tsx",
    "--test",
    "--test-reporter=spec",
    "--test-concurrency=1",
    "--test-timeout=600000",
    ...files,
  ];
  return run(step, process.execPath, args, env);
}

// Tests still run when typecheck or lint fail, so one run reports everything; the build must pass.
const built = await run("build", "npm", ["run", "--silent", "build"]);
const staticOk = unitOnly || (built && (await run("typecheck", "npm", ["run", "--silent", "typecheck"])));
const lintOk = unitOnly || (await run("lint", "npm", ["run", "--silent", "lint"]));

if (built) {
  await nodeTests(
    "unit tests",
    findTests("packages/contracts/test", "functions/test", "instance/test", "infra/test", "scripts/test"),
  );
}

if (built && !unitOnly) {
  console.log("\n▶ starting the local stack for integration tests (logs in .wsapi/logs)");
  const stack = await startStack({ logDir: ".wsapi/logs" });
  try {
    const env = { WSAPI_STACK: ".wsapi/stack.json", FIRESTORE_EMULATOR_HOST: stack.urls.firestore };
    await nodeTests("integration and browser tests", findTests("test"), env);
  } finally {
    await stack.stop();
  }
}

const passed = results.reduce((sum, r) => sum + r.passed, 0);
const failed = results.reduce((sum, r) => sum + r.failed, 0);
console.log("\nSummary:");
for (const r of results)
  console.log(
    `  ${r.ok ? "✔" : "✘"} ${r.step}${r.passed + r.failed ? ` (${r.passed} passed, ${r.failed} failed)` : ""}`,
  );
const allOk = staticOk && lintOk && results.every((r) => r.ok);
console.log(`${allOk ? "PASS" : "FAIL"}: ${passed} passed, ${failed} failed`);
process.exit(allOk ? 0 : 1);
