import { initializeApp } from "firebase/app";
import { type Auth, browserSessionPersistence, connectAuthEmulator, initializeAuth } from "firebase/auth";
import type { DashboardConfig } from "./config";

// No popupRedirectResolver: the SDK's popup flow loads Google's gapi script from apis.google.com,
// and the dashboard loads no third-party script. Google and GitHub go through providerSignIn.ts.
// Session persistence: the HttpOnly cookie is the real session; the Firebase user is kept only for
// this tab (email verification), never in long-lived storage.
export function createAuth(config: DashboardConfig): Auth {
  const app = initializeApp(config.firebase);
  const auth = initializeAuth(app, { persistence: browserSessionPersistence });
  if (config.authEmulatorUrl) connectAuthEmulator(auth, config.authEmulatorUrl, { disableWarnings: true });
  return auth;
}
