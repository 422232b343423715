import { onSchedule } from "firebase-functions/v2/scheduler";
import { ENCRYPTED_FIELDS } from "../core/encryptedFields.js";
import { placement } from "../deployment.js";
import { accountSecrets, readConfig } from "./runtime.js";

// Moves every ciphertext written under an older data key to the current one.

export const reencryptsecrets = onSchedule(
  { ...placement("reencryptsecrets"), schedule: "every 24 hours", secrets: accountSecrets },
  async () => {
    const [{ buildReencryptionDeps }, { reencryptField }] = await Promise.all([
      import("../composition/maintenance.js"),
      import("../core/reencrypt.js"),
    ]);
    const { keyRing, ciphertexts, logs } = await buildReencryptionDeps(readConfig(accountSecrets));
    for (const field of ENCRYPTED_FIELDS) {
      const moved = await reencryptField(keyRing, ciphertexts, field);
      logs.ciphertextReencrypted(field.collection, moved);
    }
  },
);
