// Entry point of one instance service process. Configuration comes from the environment
// (names in INSTANCE_ENV of @wsapi/contracts/env).
import { ConfigError, parseInstanceConfig } from "./config.js";
import { createLogs } from "./logs.js";
import { startInstance } from "./runtime.js";

let config: ReturnType<typeof parseInstanceConfig>;
try {
  config = parseInstanceConfig(process.env);
} catch (error) {
  process.stderr.write(`${error instanceof ConfigError ? error.message : "invalid configuration"}\n`);
  process.exit(1);
}

const logs = createLogs({ instanceId: config.instanceId });
const instance = await startInstance(config, { logs });

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    logs.stopping(signal);
    void instance.close().finally(() => process.exit(0));
  });
}
