import { signInWithEmailAndPassword } from "firebase/auth";
import { type FormEvent, useState } from "react";
import { describeAuthError } from "../auth/firebaseErrors";
import { ErrorText, StatusText } from "../components/Alert";
import { PageTitle } from "../components/PageTitle";
import { ProviderButtons } from "../components/ProviderButtons";
import { Link } from "../router";
import { useSession } from "../session";

export function SignInPage(props: { notice?: string | undefined }) {
  const { auth, establish } = useSession();
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const credential = await signInWithEmailAndPassword(auth, email.trim(), password);
      await establish(await credential.user.getIdToken());
    } catch (failure) {
      setError(describeAuthError(failure));
    } finally {
      setBusy(false);
    }
  };

  return (
    <main id="main" className="narrow">
      <PageTitle>Sign in to WSAPI</PageTitle>
      <StatusText>{props.notice ?? ""}</StatusText>
      <form onSubmit={submit} className="stack">
        <label htmlFor="signin-email">Email</label>
        <input
          id="signin-email"
          type="email"
          autoComplete="username"
          required
          value={email}
          onChange={(event) => setEmail(event.target.value)}
        />
        <label htmlFor="signin-password">Password</label>
        <input
          id="signin-password"
          type="password"
          autoComplete="current-password"
          required
          value={password}
          onChange={(event) => setPassword(event.target.value)}
        />
        <button type="submit" className="primary" aria-busy={busy} disabled={busy}>
          {busy ? "Signing in…" : "Sign in"}
        </button>
        <ErrorText>{error}</ErrorText>
      </form>
      <p>
        <Link to="/reset-password">Forgot your password?</Link>
      </p>
      <h2>Or continue with</h2>
      <ProviderButtons />
      <p>
        No account yet? <Link to="/signup">Create one</Link>
      </p>
    </main>
  );
}
