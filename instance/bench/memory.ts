// Memory benchmark of one instance process (simulator transport): idle RSS after pairing, then RSS
// after 1,000 received and 1,000 sent messages. Run: npx tsx instance/bench/memory.ts
// The instance runs with the Dockerfile's Node flags unless BENCH_NODE_OPTIONS says otherwise.
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { waitFor } from "../../test/support/wait.js";
import { startControlPlane } from "../test/support/control-plane.js";
import {
  type ChildService,
  InstanceClient,
  pairByQr,
  REPO_ROOT,
  simulatorCall,
  simulatorInstanceEnv,
  spawnInstance,
  spawnSimulator,
  tempDataDir,
} from "../test/support/instances.js";
import { generateGatewayKeys, newInstanceSecret } from "../test/support/keys.js";

const MESSAGES = 1_000;
const CONCURRENCY = 20;
const TARGET_MB = 120;
const INSTANCE_ID = "ins_bench";
const PHONE = "15557770001";
const CONTACT = "15557779999";
/** Same flag as the Dockerfile's CMD: a smaller young generation keeps RSS flat under load. */
const NODE_FLAGS = process.env.BENCH_NODE_OPTIONS ?? "--max-semi-space-size=4";

function rssMb(pid: number): number {
  const status = `/proc/${pid}/status`;
  const kb = existsSync(status)
    ? Number(/VmRSS:\s+(\d+)/.exec(readFileSync(status, "utf8"))?.[1])
    : Number(
        execFileSync("ps", ["-o", "rss=", "-p", String(pid)])
          .toString()
          .trim(),
      );
  return Math.round((kb / 1024) * 10) / 10;
}

async function inBatches(count: number, task: (index: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < count) await task(next++);
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
}

/** Lets the process settle (timers, sockets, lazy GC) before a reading. */
const settle = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function main(): Promise<void> {
  const keys = await generateGatewayKeys();
  const secret = newInstanceSecret();
  const control = await startControlPlane(new Map([[INSTANCE_ID, secret]]));
  const simulator = await spawnSimulator();
  const compiled = join(REPO_ROOT, "instance/dist/main.js");
  let instance: ChildService | undefined;
  try {
    instance = await spawnInstance(
      {
        ...simulatorInstanceEnv({
          instanceId: INSTANCE_ID,
          keys,
          secret,
          controlUrl: control.url,
          simulatorUrl: simulator.url,
          dataDir: tempDataDir("bench"),
        }),
        NODE_OPTIONS: NODE_FLAGS,
      },
      existsSync(compiled) ? compiled : undefined,
    );
    const pid = instance.process.pid ?? 0;
    const client = new InstanceClient(instance.url, keys, INSTANCE_ID);
    const rows: [string, number, string][] = [];
    rows.push([
      "started",
      rssMb(pid),
      existsSync(compiled) ? "compiled dist" : "tsx (run `npm run build` first)",
    ]);

    await pairByQr(client, simulator.url, PHONE);
    await simulatorCall(simulator.url, "PUT", `/v1/phones/${CONTACT}/profile`, { name: "Bench" });
    await settle(2_000);
    rows.push(["idle, paired", rssMb(pid), ""]);

    const receivedStart = Date.now();
    await inBatches(MESSAGES, async (i) => {
      const body = { to: `${PHONE}@s.whatsapp.net`, text: `inbound message ${i} ${"x".repeat(200)}` };
      const response = await simulatorCall(simulator.url, "POST", `/v1/phones/${CONTACT}/messages`, body);
      if (response.status !== 201) throw new Error(`simulator answered ${response.status}`);
    });
    await waitFor(
      () => control.events(INSTANCE_ID).filter((e) => e.eventType === "message").length >= MESSAGES,
      "all inbound message events at the control plane",
      { timeoutMs: 120_000, intervalMs: 100 },
    );
    rows.push([
      `after ${MESSAGES} received`,
      rssMb(pid),
      `${Date.now() - receivedStart} ms, events delivered`,
    ]);

    const sentStart = Date.now();
    await inBatches(MESSAGES, async (i) => {
      const text = `outbound message ${i} ${"y".repeat(200)}`;
      await client.json("POST", "/messages/text", { to: `${CONTACT}@s.whatsapp.net`, text }, 201);
    });
    rows.push([`after ${MESSAGES} sent`, rssMb(pid), `${Date.now() - sentStart} ms`]);
    await settle(2_000);
    rows.push(["settled", rssMb(pid), ""]);

    const peak = Math.max(...rows.map(([, rss]) => rss));
    process.stdout.write(
      `\ninstance memory (RSS, MB), target <= ${TARGET_MB} MB, node flags: ${NODE_FLAGS || "(none)"}\n`,
    );
    process.stdout.write(`${"phase".padEnd(24)}${"RSS MB".padStart(8)}  note\n`);
    for (const [phase, rss, note] of rows)
      process.stdout.write(`${phase.padEnd(24)}${rss.toFixed(1).padStart(8)}  ${note}\n`);
    process.stdout.write(`peak ${peak.toFixed(1)} MB: ${peak <= TARGET_MB ? "within" : "OVER"} target\n`);
    if (peak > TARGET_MB) process.exitCode = 1;
  } finally {
    await instance?.stop();
    await simulator.stop();
    await control.close();
  }
}

await main();
