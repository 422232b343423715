import type { DashboardConfig } from "../config";
import { createAuthUri, signInWithIdp } from "./identityToolkit";

// Google and GitHub sign-in in a popup without the SDK's popup resolver (which loads Google's gapi
// script). The popup ends on our own /auth/callback page, which hands its URL back over a
// BroadcastChannel: that works even after the provider's pages cut window.opener (COOP).
export type ProviderId = "google.com" | "github.com";
export const PROVIDER_CHANNEL = "wsapi-provider-sign-in";
export const CALLBACK_PATH = "/auth/callback";
export const EMULATED_PROVIDER_PATH = "/auth/emulated-provider";

export interface ProviderCallback {
  /** Set by the emulated provider; a real provider returns to a fixed, registered callback URL. */
  attempt: string | null;
  requestUri: string;
}

export interface ProviderSignIn {
  /** Resolves with a Firebase ID token for the /v1/session exchange. */
  idToken: Promise<string>;
  cancel(): void;
}

export function startProviderSignIn(config: DashboardConfig, providerId: ProviderId): ProviderSignIn {
  const attempt = crypto.randomUUID();
  // Opened synchronously inside the click handler, or popup blockers step in.
  const popup = window.open("", `wsapi-${attempt}`, "popup,width=520,height=680");
  const channel = new BroadcastChannel(PROVIDER_CHANNEL);
  let cancel: () => void = () => {};
  const idToken = new Promise<string>((resolve, reject) => {
    cancel = () => reject(new Error("Sign-in cancelled."));
    if (!popup) {
      reject(new Error("The sign-in window was blocked. Allow pop-ups for this site and try again."));
      return;
    }
    let sessionId = "";
    channel.onmessage = (event: MessageEvent<ProviderCallback>) => {
      // Same-origin only; the sessionId check in signInWithIdp ties the answer to this attempt.
      if (event.data?.attempt && event.data.attempt !== attempt) return;
      signInWithIdp(config, event.data.requestUri, sessionId)
        .then((result) => {
          if (result.idToken) resolve(result.idToken);
          else reject(new Error(conflictMessage(result)));
        })
        .catch(reject);
    };
    openProvider(config, providerId, attempt, popup)
      .then((id) => {
        sessionId = id;
      })
      .catch((error: unknown) => {
        popup.close();
        reject(error);
      });
  }).finally(() => channel.close());
  return { idToken, cancel: () => cancel() };
}

async function openProvider(
  config: DashboardConfig,
  providerId: ProviderId,
  attempt: string,
  popup: Window,
): Promise<string> {
  if (config.authEmulatorUrl) {
    // The Auth emulator has no OAuth provider to visit: our emulated-provider page plays its part.
    const query = new URLSearchParams({ providerId, attempt });
    popup.location.href = `${EMULATED_PROVIDER_PATH}?${query}`;
    return `emulated-${attempt}`;
  }
  // Registered as the OAuth redirect URI at Google and GitHub (see web/README.md).
  const { authUri, sessionId } = await createAuthUri(
    config,
    providerId,
    `${location.origin}${CALLBACK_PATH}`,
  );
  popup.location.href = authUri;
  return sessionId;
}

function conflictMessage(result: { needConfirmation?: boolean; errorMessage?: string }): string {
  if (result.needConfirmation || result.errorMessage?.includes("EXISTS")) {
    return "An account with this email already exists. Sign in with its email and password.";
  }
  return result.errorMessage ?? "The provider did not return a sign-in.";
}
