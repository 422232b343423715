import { onUserDeleted } from "firebase-functions/v2/identity";
import { placement } from "../deployment.js";
import { gatewaySecrets, lazy, readConfig } from "./runtime.js";

const loadDeletion = lazy(async () => {
  const { buildAccountDeletionDeps } = await import("../composition/accountDeletion.js");
  return buildAccountDeletionDeps(readConfig(gatewaySecrets));
});

// A user deleted in Firebase Authentication (console, Admin SDK, DELETE /v1/account's last step)
// runs the account deletion job (core/accountDeletion.ts): keys refused, instances torn down (device
// logout over VPC egress), documents erased. Retried by Eventarc until it ends; every step resumes.
export const accountdeleted = onUserDeleted(
  { ...placement("accountdeleted"), secrets: gatewaySecrets, retry: true, timeoutSeconds: 540 },
  async (event) => {
    const [{ requestAccountDeletion, runAccountDeletion }, deps] = await Promise.all([
      import("../core/accountDeletion.js"),
      loadDeletion(),
    ]);
    const uid = event.data.uid;
    if (await requestAccountDeletion(deps, uid)) await runAccountDeletion(deps, uid);
  },
);
