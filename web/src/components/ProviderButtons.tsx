import { useState } from "react";
import { type ProviderId, type ProviderSignIn, startProviderSignIn } from "../auth/providerSignIn";
import { useSession } from "../session";
import { ErrorText, StatusText } from "./Alert";

const PROVIDERS: Array<{ id: ProviderId; label: string }> = [
  { id: "google.com", label: "Google" },
  { id: "github.com", label: "GitHub" },
];

export function ProviderButtons() {
  const { config, establish } = useSession();
  const [pending, setPending] = useState<{ label: string; flow: ProviderSignIn } | null>(null);
  const [error, setError] = useState<string | null>(null);

  const start = async (id: ProviderId, label: string) => {
    setError(null);
    const flow = startProviderSignIn(config, id);
    setPending({ label, flow });
    try {
      await establish(await flow.idToken);
    } catch (failure) {
      setError(failure instanceof Error ? failure.message : String(failure));
    } finally {
      setPending(null);
    }
  };

  return (
    <div className="providers">
      {PROVIDERS.map((provider) => (
        <button
          key={provider.id}
          type="button"
          onClick={() => void start(provider.id, provider.label)}
          disabled={pending !== null}
        >
          Continue with {provider.label}
        </button>
      ))}
      <StatusText>
        {pending ? `Finish signing in with ${pending.label} in the window that opened.` : ""}
      </StatusText>
      {pending ? (
        <button type="button" onClick={() => pending.flow.cancel()}>
          Cancel {pending.label} sign-in
        </button>
      ) : null}
      <ErrorText>{error}</ErrorText>
    </div>
  );
}
