import { useEffect } from "react";
import { PROVIDER_CHANNEL, type ProviderCallback } from "../auth/providerSignIn";

// Where the provider (or the emulated one) sends the sign-in popup back. It hands its own URL, which
// carries the provider's answer, to the dashboard window, then closes.
export function ProviderCallbackPage() {
  useEffect(() => {
    const message: ProviderCallback = {
      attempt: new URLSearchParams(location.search).get("attempt"),
      requestUri: location.href,
    };
    const channel = new BroadcastChannel(PROVIDER_CHANNEL);
    channel.postMessage(message);
    channel.close();
    window.close();
  }, []);
  return (
    <main id="main" className="narrow">
      <h1>Signing you in…</h1>
      <p>You can close this window and return to the dashboard.</p>
    </main>
  );
}
