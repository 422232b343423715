import type { EncryptedField } from "./reencrypt.js";

// Every field that holds an AES-GCM envelope, so the re-encryption job can move all of them to the
// current data key. A new encrypted field must be added here.
export const ENCRYPTED_FIELDS: EncryptedField[] = [
  { collection: "accountSecrets", field: "apiKey" },
  { collection: "accountSecrets", field: "defaultSigningSecret" },
  { collection: "instanceSecrets", field: "apiKey" },
  { collection: "instanceSecrets", field: "runtimeSecret" },
  { collection: "instanceSecrets", field: "eventSigningSecret" },
  { collection: "instanceSecrets", field: "previousEventSigningSecret" },
  { collection: "instanceSecrets", field: "webhookAuthValue" },
  { collection: "sessionStates", field: "state" },
  { collection: "deliveryPayloads", field: "payload" },
  { collection: "idempotencyKeys", field: "body" },
  { collection: "eventLog", field: "envelope" },
];
