import { createLogger } from "../core/logs.js";
import type { StatsStore } from "../core/ports/stats.js";
import type { StatsRecorder } from "../core/stats/record.js";
import type { Core } from "./bootstrap.js";

// The instances' hourly counters (core/stats/): read by the api and dashboard functions, written by
// events (ingest), api (sends) and deliverwebhook (attempts).

export async function buildStatsStore(core: Core): Promise<StatsStore> {
  const { firestoreStatsStore } = await import("../adapters/firestore/statsStore.js");
  return core.bound(firestoreStatsStore(core.db));
}

export async function buildStatsRecorder(core: Core): Promise<StatsRecorder> {
  const logger = createLogger();
  return {
    store: await buildStatsStore(core),
    clock: core.deps.clock,
    // Counting is best effort; the error's message names no content (counters only).
    failed: (error) =>
      logger.event("WARNING", "stats.writeFailed", {
        error: error instanceof Error ? error.message : String(error),
      }),
  };
}
