import { onSchedule } from "firebase-functions/v2/scheduler";
import { ENCRYPTED_FIELDS } from "../core/encryptedFields.js";
import { placement } from "../deployment.js";
import { accountSecrets, runtimeConfig } from "./runtime.js";

// Moves every ciphertext written under an older data key to the current one.

export const reencryptsecrets = onSchedule(
  { ...placement("reencryptsecrets"), schedule: "every 24 hours", secrets: accountSecrets },
  async () => {
    const [{ buildAccountDeps }, { firestoreCiphertextStore }, { reencryptField }] = await Promise.all([
      import("../composition.js"),
      import("../adapters/firestore/ciphertextStore.js"),
      import("../core/reencrypt.js"),
    ]);
    const { db, deps } = await buildAccountDeps(await runtimeConfig());
    for (const field of ENCRYPTED_FIELDS) {
      const moved = await reencryptField(deps.keyRing, firestoreCiphertextStore(db), field);
      deps.logs.ciphertextReencrypted(field.collection, moved);
    }
  },
);
