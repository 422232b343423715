// Entry point of the simulated WhatsApp network: `--port <n>` (or SIM_PORT), `--host`, `--qr-rotate-ms`.
import { parseArgs } from "node:util";
import { z } from "zod";
import { startSimulator } from "./server.js";

const { values } = parseArgs({
  options: {
    port: { type: "string" },
    host: { type: "string" },
    "qr-rotate-ms": { type: "string" },
  },
});

const SimulatorCli = z.object({
  port: z.coerce.number().int().min(0).max(65_535),
  host: z.string().min(1),
  qrRotateMs: z.coerce.number().int().min(100).optional(),
});

const parsed = SimulatorCli.safeParse({
  port: values.port ?? process.env.SIM_PORT ?? 4100,
  host: values.host ?? process.env.SIM_HOST ?? "127.0.0.1",
  qrRotateMs: values["qr-rotate-ms"],
});
if (!parsed.success) {
  process.stderr.write(
    `simulator: invalid arguments: ${parsed.error.issues.map((i) => i.path.join(".")).join(", ")}\n`,
  );
  process.exit(2);
}

const simulator = await startSimulator(parsed.data);
process.stdout.write(`simulator ready on ${simulator.url}\n`);

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    void simulator.close().then(() => process.exit(0));
  });
}
