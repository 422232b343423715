import { beforeUserCreated, beforeUserSignedIn, HttpsError } from "firebase-functions/v2/identity";
import { placement } from "../deployment.js";
import { accountSecrets, lazy, runtimeConfig } from "./runtime.js";

// Firebase Auth gives blocking functions 7 s in all; a slow Firestore must not use them up.
const STORE_DEADLINE_MS = 5_000;

const loadAccounts = lazy(async () => {
  const { buildAccountDeps } = await import("../composition.js");
  return (await buildAccountDeps(await runtimeConfig(), { storeDeadlineMs: STORE_DEADLINE_MS })).deps;
});

/** The one place password sign-ups are refused: they must go through POST /v1/signup and its policy. */
export async function handleBeforeUserCreated(
  user: { uid: string; email?: string },
  providerId: string | undefined,
  createAccount: (uid: string, email: string, via: string) => Promise<unknown>,
) {
  if (providerId === "password") {
    throw new HttpsError(
      "permission-denied",
      "Sign up through the WSAPI dashboard so the password policy applies.",
    );
  }
  await createAccount(user.uid, user.email ?? "", providerId ?? "unknown");
}

export const beforecreated = beforeUserCreated(
  { ...placement("beforecreated"), secrets: accountSecrets },
  async (event) => {
    const { ensureAccount } = await import("../core/accounts.js");
    const deps = await loadAccounts();
    const providerId = event.additionalUserInfo?.providerId ?? event.credential?.providerId;
    await handleBeforeUserCreated(event.data!, providerId, (uid, email, via) =>
      ensureAccount(deps, uid, email, via),
    );
  },
);

export const beforesignedin = beforeUserSignedIn(
  { ...placement("beforesignedin"), secrets: accountSecrets },
  async (event) => {
    const deps = await loadAccounts();
    const account = await deps.store.getAccount(event.data!.uid);
    if (account?.status === "suspended") {
      throw new HttpsError("permission-denied", "This account is suspended.");
    }
  },
);
