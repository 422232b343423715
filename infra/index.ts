import { loadConfig } from "./src/config.ts";
import { buildStack } from "./src/stack.ts";

const { outputs } = buildStack(loadConfig());

export const {
  region,
  serviceAccounts,
  functionsNetwork,
  functionsSubnetwork,
  egressIps,
  apiIp,
  instanceImageRepository,
  cells,
  functionsEnv,
} = outputs;
