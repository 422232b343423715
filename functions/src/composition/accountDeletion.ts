import type { RuntimeConfig } from "../config.js";
import type { AccountDeletionDeps } from "../core/accountDeletion.js";
import { buildCore } from "./bootstrap.js";
import { buildInstanceDeps } from "./instances.js";

/** The Auth deletion trigger: the account deletion job with the instance deletion it runs. */
export async function buildAccountDeletionDeps(config: RuntimeConfig): Promise<AccountDeletionDeps> {
  const core = await buildCore(config);
  const [{ getAuth }, { firebaseIdentity }, { firestoreAccountDeletionStore }] = await Promise.all([
    import("firebase-admin/auth"),
    import("../adapters/identity.js"),
    import("../adapters/firestore/accountDeletionStore.js"),
  ]);
  const identity = firebaseIdentity(getAuth(core.app));
  return {
    accountDeletions: firestoreAccountDeletionStore(core.db),
    instanceDeps: await buildInstanceDeps(core, config),
    deleteAuthUser: (uid) => identity.deleteUser(uid),
    clock: core.deps.clock,
  };
}
