import { beforeUserCreated, beforeUserSignedIn, HttpsError } from "firebase-functions/v2/identity";
import type { AccountStore } from "../core/ports/accounts.js";
import { placement } from "../deployment.js";
import { accountSecrets, lazy, readConfig } from "./runtime.js";

// Firebase Auth gives blocking functions 7 s in all; a slow Firestore must not use them up.
const STORE_DEADLINE_MS = 5_000;

const loadAccounts = lazy(async () => {
  const { buildCore } = await import("../composition/bootstrap.js");
  return (await buildCore(readConfig(accountSecrets), { storeDeadlineMs: STORE_DEADLINE_MS })).deps;
});

/** The one place password sign-ups are refused: they must go through POST /v1/signup and its policy. */
export async function handleBeforeUserCreated(
  user: { uid: string; email?: string; emailVerified?: boolean },
  providerId: string | undefined,
  createAccount: (uid: string, email: string, via: string, emailVerified: boolean) => Promise<unknown>,
) {
  if (providerId === "password") {
    throw new HttpsError(
      "permission-denied",
      "Sign up through the WSAPI dashboard so the password policy applies.",
    );
  }
  // Google (and GitHub, when it vouches for the address) arrive verified: that counts.
  await createAccount(user.uid, user.email ?? "", providerId ?? "unknown", user.emailVerified === true);
}

/** Refuses suspended accounts; records the email's verification as Firebase Authentication sees it. */
export async function handleBeforeUserSignedIn(
  user: { uid: string; emailVerified?: boolean },
  store: Pick<AccountStore, "getAccount" | "setEmailVerified">,
) {
  const account = await store.getAccount(user.uid);
  if (account?.status === "suspended") {
    throw new HttpsError("permission-denied", "This account is suspended.");
  }
  const verified = user.emailVerified === true;
  if (account && (account.emailVerified === true) !== verified)
    await store.setEmailVerified(user.uid, verified);
}

export const beforecreated = beforeUserCreated(
  { ...placement("beforecreated"), secrets: accountSecrets },
  async (event) => {
    const { ensureAccount } = await import("../core/accounts.js");
    const deps = await loadAccounts();
    const providerId = event.additionalUserInfo?.providerId ?? event.credential?.providerId;
    await handleBeforeUserCreated(event.data!, providerId, (uid, email, via, emailVerified) =>
      ensureAccount(deps, uid, email, via, emailVerified),
    );
  },
);

export const beforesignedin = beforeUserSignedIn(
  { ...placement("beforesignedin"), secrets: accountSecrets },
  async (event) => {
    await handleBeforeUserSignedIn(event.data!, (await loadAccounts()).store);
  },
);
