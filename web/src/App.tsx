import { useEffect } from "react";
import { CALLBACK_PATH, EMULATED_PROVIDER_PATH } from "./auth/providerSignIn";
import { Layout } from "./components/Layout";
import { AccountPage } from "./pages/AccountPage";
import { AuditPage } from "./pages/AuditPage";
import { EmulatedProviderPage } from "./pages/EmulatedProviderPage";
import { InstancePage } from "./pages/InstancePage";
import { InstancesPage } from "./pages/InstancesPage";
import { NotFoundPage } from "./pages/NotFoundPage";
import { ProviderCallbackPage } from "./pages/ProviderCallbackPage";
import { ResetPasswordPage } from "./pages/ResetPasswordPage";
import { SignInPage } from "./pages/SignInPage";
import { SignUpPage } from "./pages/SignUpPage";
import { navigate, usePath } from "./router";
import { useSession } from "./session";

const PUBLIC_PATHS = new Set(["/signin", "/signup", "/reset-password"]);

export function App() {
  const path = usePath();
  const { state } = useSession();
  const signedIn = state.status === "signedIn";

  useEffect(() => {
    if (state.status === "signedIn" && PUBLIC_PATHS.has(path)) navigate("/", { replace: true });
  }, [state.status, path]);

  // The sign-in popup's pages work without a session.
  if (path === CALLBACK_PATH) return <ProviderCallbackPage />;
  if (path === EMULATED_PROVIDER_PATH) return <EmulatedProviderPage />;

  if (state.status === "loading") {
    return (
      <main className="narrow">
        <p role="status">Loading the dashboard…</p>
      </main>
    );
  }
  if (!signedIn) {
    if (path === "/signup") return <SignUpPage />;
    if (path === "/reset-password") return <ResetPasswordPage />;
    return <SignInPage notice={state.status === "signedOut" ? state.reason : undefined} />;
  }
  const instanceId = /^\/instances\/([^/]+)$/.exec(path)?.[1];
  return (
    <Layout path={path}>
      {path === "/" || PUBLIC_PATHS.has(path) ? (
        <InstancesPage />
      ) : instanceId ? (
        <InstancePage instanceId={decodeURIComponent(instanceId)} />
      ) : path === "/account" ? (
        <AccountPage />
      ) : path === "/audit" ? (
        <AuditPage />
      ) : (
        <NotFoundPage />
      )}
    </Layout>
  );
}
