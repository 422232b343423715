import type { Firestore } from "firebase-admin/firestore";
import type { SessionStore } from "../../core/ports/accounts.js";

// revokedSessions/{sha256(cookie)}: the exact cookies signed out, until they would expire anyway.
// revokeRefreshTokens has one-second granularity; this closes the gap for a cookie minted that second.
export function firestoreSessionStore(db: Firestore): SessionStore {
  const revoked = db.collection("revokedSessions");
  return {
    async revokeSession(cookieDigest, expiresAt) {
      await revoked.doc(cookieDigest).set({ expireAt: new Date(expiresAt) });
    },
    async isSessionRevoked(cookieDigest) {
      return (await revoked.doc(cookieDigest).get()).exists;
    },
  };
}
