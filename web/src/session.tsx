import { type Auth, signOut as firebaseSignOut } from "firebase/auth";
import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useState } from "react";
import { type ApiClient, ApiProblem, createApiClient, describeError } from "./api";
import type { DashboardConfig } from "./config";
import type { SessionInfo } from "./types";

// The dashboard session is the HttpOnly __session cookie; the app only knows whether it has one
// (GET /v1/session) and holds the CSRF token that goes with it, in memory.
export type SessionState =
  | { status: "loading" }
  | { status: "signedOut"; reason?: string }
  | { status: "signedIn"; uid: string; email: string | null };

interface SessionContextValue {
  state: SessionState;
  api: ApiClient;
  auth: Auth;
  config: DashboardConfig;
  /** Exchanges a fresh Firebase ID token for the session cookie. */
  establish(idToken: string): Promise<void>;
  /** Ends the session here and on the server; `reason` is shown on the sign-in page. */
  signOut(reason?: string): Promise<void>;
}

const SessionContext = createContext<SessionContextValue | null>(null);

export function SessionProvider(props: { auth: Auth; config: DashboardConfig; children: ReactNode }) {
  const { auth, config } = props;
  const [state, setState] = useState<SessionState>({ status: "loading" });
  const api = useMemo(
    () =>
      createApiClient(() => setState({ status: "signedOut", reason: "Your session ended. Sign in again." })),
    [],
  );

  const load = useCallback(async () => {
    try {
      const session = await api.get<SessionInfo>("/v1/session");
      api.setCsrfToken(session.csrfToken);
      setState({ status: "signedIn", uid: session.uid, email: session.email });
    } catch (error) {
      api.setCsrfToken(null);
      if (error instanceof ApiProblem && error.status === 401) setState({ status: "signedOut" });
      else setState({ status: "signedOut", reason: "The dashboard API is unreachable. Try again shortly." });
    }
  }, [api]);

  useEffect(() => {
    void load();
  }, [load]);

  const establish = useCallback(
    async (idToken: string) => {
      await api.post("/v1/session", { idToken });
      await load();
    },
    [api, load],
  );

  const signOut = useCallback(
    async (ending = "You are signed out.") => {
      let reason = ending;
      try {
        // Revokes the refresh tokens and the cookie server-side, so a copied cookie dies too.
        await api.del("/v1/session");
      } catch (error) {
        if (!(error instanceof ApiProblem && error.status === 401)) {
          reason = `Signed out here, but the server could not be told (${describeError(error)}). Sign out again once online.`;
        }
      }
      await firebaseSignOut(auth);
      api.setCsrfToken(null);
      setState({ status: "signedOut", reason });
    },
    [api, auth],
  );

  const value = useMemo(
    () => ({ state, api, auth, config, establish, signOut }),
    [state, api, auth, config, establish, signOut],
  );
  return <SessionContext.Provider value={value}>{props.children}</SessionContext.Provider>;
}

export function useSession(): SessionContextValue {
  const value = useContext(SessionContext);
  if (!value) throw new Error("useSession outside SessionProvider");
  return value;
}
