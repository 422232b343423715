import type { Auth } from "firebase-admin/auth";
import { ApiError } from "../core/errors.js";
import type { Identity } from "../core/ports/accounts.js";

function authErrorCode(error: unknown): string {
  return typeof error === "object" && error !== null && "code" in error ? String(error.code) : "";
}

export function firebaseIdentity(auth: Auth): Identity {
  return {
    async createPasswordUser(email, password) {
      try {
        const user = await auth.createUser({ email, password, emailVerified: false });
        return { uid: user.uid, email: user.email ?? email };
      } catch (error) {
        const code = authErrorCode(error);
        if (code === "auth/email-already-exists") {
          throw new ApiError("CONFLICT", "An account with this email already exists.");
        }
        if (code === "auth/invalid-email") throw new ApiError("VALIDATION", "email: not a valid address.");
        if (code === "auth/invalid-password")
          throw new ApiError("VALIDATION", "password: refused by the provider.");
        throw error;
      }
    },
    async verifyIdToken(idToken) {
      try {
        const decoded = await auth.verifyIdToken(idToken, true);
        return {
          uid: decoded.uid,
          ...(decoded.email ? { email: decoded.email } : {}),
          emailVerified: decoded.email_verified === true,
          authTime: decoded.auth_time,
        };
      } catch {
        throw new ApiError("UNAUTHENTICATED", "The ID token is invalid, expired or revoked.");
      }
    },
    async createSessionCookie(idToken, expiresInMs) {
      try {
        return await auth.createSessionCookie(idToken, { expiresIn: expiresInMs });
      } catch {
        throw new ApiError("UNAUTHENTICATED", "The ID token is invalid or expired.");
      }
    },
    async verifySessionCookie(cookie) {
      try {
        const decoded = await auth.verifySessionCookie(cookie, true);
        return {
          uid: decoded.uid,
          ...(decoded.email ? { email: decoded.email } : {}),
          expiresAt: decoded.exp * 1000,
        };
      } catch {
        throw new ApiError("UNAUTHENTICATED", "Not signed in, or the session was revoked.");
      }
    },
    async revokeRefreshTokens(uid) {
      await auth.revokeRefreshTokens(uid);
    },
    async emailVerified(uid) {
      try {
        return (await auth.getUser(uid)).emailVerified;
      } catch (error) {
        if (authErrorCode(error) === "auth/user-not-found") return false;
        throw error;
      }
    },
    async deleteUser(uid) {
      try {
        await auth.deleteUser(uid);
      } catch (error) {
        if (authErrorCode(error) !== "auth/user-not-found") throw error;
      }
    },
  };
}
