import { randomBytes } from "node:crypto";
import { performance } from "node:perf_hooks";
import { ensureAccount, revealAccountKey } from "../../functions/src/core/accounts.js";
import { ApiKeyVerifier } from "../../functions/src/core/keyVerifier.js";
import { createLogger, logEvents } from "../../functions/src/core/logs.js";
import { systemClock } from "../../functions/src/core/ports/clock.js";
import { fakeClock, memoryAccountStore, memoryKeyRing } from "../../functions/test/support/memoryStores.js";

// Warm key verifications per second: format + checksum + peppered HMAC + cache hit.
export async function benchKeyVerification(iterations = 200_000) {
  const memory = memoryAccountStore();
  const deps = {
    store: memory.store,
    keyRing: memoryKeyRing({ 1: randomBytes(32) }, 1),
    pepper: randomBytes(32),
    clock: fakeClock(),
    logs: logEvents(createLogger(() => {})),
  };
  await ensureAccount(deps, "bench", "bench@example.com", "bench");
  const apiKey = await revealAccountKey(deps, "bench", "req");
  const verifier = new ApiKeyVerifier(memory.store, deps.pepper, systemClock);
  await verifier.verify(apiKey);
  const readsBefore = memory.reads();
  const started = performance.now();
  for (let i = 0; i < iterations; i++) await verifier.verify(apiKey);
  const seconds = (performance.now() - started) / 1000;
  return { perSecond: iterations / seconds, storeReads: memory.reads() - readsBefore };
}
