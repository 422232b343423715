import { spawnSync } from "node:child_process";

// Runs instance/bench/memory.ts (idle and after 1,000 messages each way) and reads its table.
export function benchInstanceMemory() {
  const run = spawnSync(process.execPath, ["--import", "tsx", "instance/bench/memory.ts"], {
    encoding: "utf8",
  });
  const rows = [...run.stdout.matchAll(/^(.+?)\s{2,}(\d+\.\d)\s{2}/gm)].map((m) => ({
    phase: m[1]!.trim(),
    rssMb: Number(m[2]),
  }));
  const peak = Number(/^peak (\d+\.\d) MB/m.exec(run.stdout)?.[1] ?? Number.NaN);
  if (rows.length === 0)
    throw new Error(`instance memory bench printed no table:\n${run.stdout}\n${run.stderr}`);
  return { rows, peak };
}
