import { FirebaseError } from "firebase/app";

// Firebase Auth error codes in words a person can act on.
const MESSAGES: Record<string, string> = {
  "auth/invalid-credential": "Wrong email or password.",
  "auth/wrong-password": "Wrong email or password.",
  "auth/user-not-found": "Wrong email or password.",
  "auth/invalid-email": "That email address does not look right.",
  "auth/user-disabled": "This account is disabled.",
  "auth/too-many-requests": "Too many attempts. Wait a few minutes, or reset your password.",
  "auth/network-request-failed": "Firebase Authentication could not be reached. Check your connection.",
};

export function describeAuthError(error: unknown): string {
  if (error instanceof FirebaseError) {
    if (MESSAGES[error.code]) return MESSAGES[error.code]!;
    if (error.message.includes("suspended")) return "This account is suspended.";
    return `Sign-in failed (${error.code}).`;
  }
  return error instanceof Error ? error.message : String(error);
}
