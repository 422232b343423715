import type { RuntimeConfig } from "../config.js";
import { buildCore } from "./bootstrap.js";

/** The reencryptsecrets job: the key ring, every stored ciphertext and the log. */
export async function buildReencryptionDeps(config: RuntimeConfig) {
  const [core, { firestoreCiphertextStore }] = await Promise.all([
    buildCore(config),
    import("../adapters/firestore/ciphertextStore.js"),
  ]);
  return { keyRing: core.deps.keyRing, ciphertexts: firestoreCiphertextStore(core.db), logs: core.deps.logs };
}
