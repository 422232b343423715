import { execFileSync } from "node:child_process";

// Cold-start import time of the functions entry: a fresh Node process importing functions/lib.
export function benchColdStart(runs = 7) {
  const script =
    "const t=performance.now();await import('./functions/lib/index.js');process.stdout.write(String(performance.now()-t))";
  const samples = Array.from({ length: runs }, () =>
    Number(execFileSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8" })),
  ).sort((a, b) => a - b);
  return { medianMs: samples[Math.floor(runs / 2)]!, minMs: samples[0]!, maxMs: samples[runs - 1]! };
}
