import type { DashboardConfig } from "../config";

// The two Identity Toolkit REST calls of a provider sign-in, made directly so no Google script is
// needed: createAuthUri (production only) and signInWithIdp. Locally they go to the Auth emulator.
export interface IdpSignIn {
  idToken?: string;
  email?: string;
  needConfirmation?: boolean;
  errorMessage?: string;
}

function endpoint(config: DashboardConfig, method: string): string {
  const base = config.authEmulatorUrl
    ? `${config.authEmulatorUrl}/identitytoolkit.googleapis.com`
    : "https://identitytoolkit.googleapis.com";
  return `${base}/v1/accounts:${method}?key=${encodeURIComponent(config.firebase.apiKey ?? "")}`;
}

async function identityToolkit<T>(config: DashboardConfig, method: string, body: unknown): Promise<T> {
  const response = await fetch(endpoint(config, method), {
    method: "POST",
    headers: { "content-type": "application/json" },
    credentials: "omit",
    body: JSON.stringify(body),
  });
  const parsed = (await response.json()) as T & { error?: { message?: string } };
  if (!response.ok) throw new Error(friendlyAuthError(parsed.error?.message ?? `HTTP ${response.status}`));
  return parsed;
}

export function createAuthUri(config: DashboardConfig, providerId: string, continueUri: string) {
  const oauthScope = providerId === "github.com" ? "read:user user:email" : "openid email profile";
  return identityToolkit<{ authUri: string; sessionId: string }>(config, "createAuthUri", {
    providerId,
    continueUri,
    oauthScope,
  });
}

export function signInWithIdp(config: DashboardConfig, requestUri: string, sessionId: string) {
  return identityToolkit<IdpSignIn>(config, "signInWithIdp", {
    requestUri,
    sessionId,
    returnSecureToken: true,
    returnIdpCredential: true,
  });
}

function friendlyAuthError(message: string): string {
  if (message.includes("BLOCKING_FUNCTION_ERROR_RESPONSE") || message.includes("PERMISSION_DENIED")) {
    return "This sign-in was refused (the account may be suspended).";
  }
  if (message.includes("USER_DISABLED")) return "This account is disabled.";
  return `Sign-in failed: ${message}`;
}
