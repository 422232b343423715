import type { RuntimeConfig } from "../config.js";
import type { InstanceRuntime } from "../core/runtime.js";

// Production wiring of the Cloud Run runtime adapter.
export async function cloudRunRuntimeFromConfig(_config: RuntimeConfig): Promise<InstanceRuntime> {
  throw new Error("the Cloud Run runtime adapter is not wired yet");
}
