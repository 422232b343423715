import { signInWithEmailAndPassword } from "firebase/auth";
import { useId, useState } from "react";
import { type ProviderId, startProviderSignIn } from "../auth/providerSignIn";
import { useSession } from "../session";
import { ConfirmDialog } from "./ConfirmDialog";

const PROVIDERS: Array<{ id: ProviderId; label: string }> = [
  { id: "google.com", label: "Google" },
  { id: "github.com", label: "GitHub" },
];

// Deleting the account needs the email typed out and a fresh sign-in (password, or the provider
// the account uses): DELETE /v1/account accepts an ID token at most 5 minutes old.
export function DeleteAccountPanel(props: { email: string }) {
  const { api, auth, config, signOut } = useSession();
  const [open, setOpen] = useState(false);
  const [typed, setTyped] = useState("");
  const [password, setPassword] = useState("");
  const emailId = useId();
  const passwordId = useId();

  const confirmed = () => {
    if (typed.trim().toLowerCase() !== props.email.toLowerCase()) {
      throw new Error("Type your account's email address to confirm.");
    }
  };
  const deleteWith = async (idToken: string) => {
    await api.del("/v1/account", { idToken });
    await signOut("Your account, its instances and their data were deleted.");
  };
  const withPassword = async () => {
    confirmed();
    if (!password) throw new Error("Enter your password, or confirm with Google or GitHub.");
    const credential = await signInWithEmailAndPassword(auth, props.email, password);
    await deleteWith(await credential.user.getIdToken());
  };
  const withProvider = async (id: ProviderId) => {
    confirmed();
    await deleteWith(await startProviderSignIn(config, id).idToken);
  };

  return (
    <section aria-labelledby="delete-heading" className="card">
      <h2 id="delete-heading">Delete account</h2>
      <p>
        Deletes every instance (their phones are logged out), all API keys, webhook settings and delivery
        logs, and your sign-in. This cannot be undone.
      </p>
      <button type="button" className="danger" onClick={() => setOpen(true)}>
        Delete account…
      </button>
      <ConfirmDialog
        open={open}
        title="Delete your account?"
        confirmLabel="Delete account"
        onConfirm={withPassword}
        onClose={() => setOpen(false)}
      >
        <p>Everything is deleted within a minute and cannot be recovered.</p>
        <label htmlFor={emailId}>Type {props.email} to confirm</label>
        <input id={emailId} autoComplete="off" value={typed} onChange={(e) => setTyped(e.target.value)} />
        <label htmlFor={passwordId}>Password</label>
        <input
          id={passwordId}
          type="password"
          autoComplete="current-password"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
        />
        <p className="muted">Signed up with Google or GitHub? Confirm with it instead:</p>
        <div className="actions">
          {PROVIDERS.map((provider) => (
            <ProviderConfirm key={provider.id} label={provider.label} run={() => withProvider(provider.id)} />
          ))}
        </div>
      </ConfirmDialog>
    </section>
  );
}

function ProviderConfirm(props: { label: string; run: () => Promise<void> }) {
  const [error, setError] = useState<string | null>(null);
  return (
    <>
      <button
        type="button"
        onClick={() => props.run().catch((failure: unknown) => setError(String((failure as Error).message)))}
      >
        Confirm with {props.label}
      </button>
      {error ? (
        <p role="alert" className="error">
          {error}
        </p>
      ) : null}
    </>
  );
}
