import { type FormEvent, useState } from "react";
import { CALLBACK_PATH } from "../auth/providerSignIn";
import { ErrorText } from "../components/Alert";
import { PageTitle } from "../components/PageTitle";
import { useSession } from "../session";

const NAMES: Record<string, string> = { "google.com": "Google", "github.com": "GitHub" };

// Local stack only. The Auth emulator accepts an unsigned JSON "id_token" as a provider's answer
// (its own account widget needs Google's gapi script, which this dashboard never loads), so this
// page plays the provider: it builds that answer and returns to the callback, as Google would.
export function EmulatedProviderPage() {
  const { config } = useSession();
  const query = new URLSearchParams(location.search);
  const providerId = query.get("providerId") ?? "";
  const providerName = NAMES[providerId];
  const [email, setEmail] = useState("");
  const [displayName, setDisplayName] = useState("");
  const [error, setError] = useState<string | null>(null);

  if (!config.authEmulatorUrl || !providerName) {
    return (
      <main id="main" className="narrow">
        <h1>Not available</h1>
        <p>This page exists only on the local stack, for the Auth emulator.</p>
      </main>
    );
  }

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    const address = email.trim().toLowerCase();
    if (!address.includes("@")) {
      setError("Enter an email address for the emulated account.");
      return;
    }
    // The same email always maps to the same emulated provider account.
    const digest = await crypto.subtle.digest(
      "SHA-256",
      new TextEncoder().encode(`${providerId}:${address}`),
    );
    const sub = [...new Uint8Array(digest)].map((byte) => byte.toString(16).padStart(2, "0")).join("");
    const claims = {
      sub: sub.slice(0, 40),
      email: address,
      email_verified: true,
      name: displayName || undefined,
    };
    const answer = new URLSearchParams({
      providerId,
      id_token: JSON.stringify(claims),
      attempt: query.get("attempt") ?? "",
    });
    location.assign(`${CALLBACK_PATH}?${answer}`);
  };

  return (
    <main id="main" className="narrow">
      <PageTitle>Emulated {providerName} sign-in</PageTitle>
      <p className="notice">
        Local stack: the Auth emulator stands in for {providerName}. No real {providerName} account is used
        and nothing leaves this machine.
      </p>
      <form onSubmit={submit} className="stack">
        <label htmlFor="emulated-email">{providerName} account email</label>
        <input
          id="emulated-email"
          type="email"
          required
          autoComplete="off"
          value={email}
          onChange={(event) => setEmail(event.target.value)}
        />
        <label htmlFor="emulated-name">Display name (optional)</label>
        <input
          id="emulated-name"
          type="text"
          autoComplete="off"
          value={displayName}
          onChange={(event) => setDisplayName(event.target.value)}
        />
        <button type="submit" className="primary">
          Sign in with this {providerName} account
        </button>
        <ErrorText>{error}</ErrorText>
      </form>
    </main>
  );
}
