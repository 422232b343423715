import { sendEmailVerification, signInWithEmailAndPassword } from "firebase/auth";
import { type FormEvent, useState } from "react";
import { describeError } from "../api";
import { describeAuthError } from "../auth/firebaseErrors";
import { ErrorText } from "../components/Alert";
import { PageTitle } from "../components/PageTitle";
import { PasswordRules } from "../components/PasswordRules";
import { ProviderButtons } from "../components/ProviderButtons";
import { Link } from "../router";
import { useSession } from "../session";

// Password sign-ups go through POST /v1/signup, where the policy is enforced; the Auth SDK's own
// createUser is refused by the blocking function. Then a normal sign-in and a verification email.
export function SignUpPage() {
  const { api, auth, establish } = useSession();
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [showPassword, setShowPassword] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await api.post("/v1/signup", { email: email.trim(), password });
    } catch (failure) {
      setError(describeError(failure));
      setBusy(false);
      return;
    }
    try {
      const credential = await signInWithEmailAndPassword(auth, email.trim(), password);
      await sendEmailVerification(credential.user);
      await establish(await credential.user.getIdToken());
    } catch (failure) {
      setError(`Your account exists, but signing in failed: ${describeAuthError(failure)}`);
      setBusy(false);
    }
  };

  return (
    <main id="main" className="narrow">
      <PageTitle>Create your WSAPI account</PageTitle>
      <form onSubmit={submit} className="stack">
        <label htmlFor="signup-email">Email</label>
        <input
          id="signup-email"
          type="email"
          autoComplete="email"
          required
          value={email}
          onChange={(event) => setEmail(event.target.value)}
        />
        <label htmlFor="signup-password">Password</label>
        <input
          id="signup-password"
          type={showPassword ? "text" : "password"}
          autoComplete="new-password"
          required
          aria-describedby="password-rules"
          value={password}
          onChange={(event) => setPassword(event.target.value)}
        />
        <PasswordRules id="password-rules" password={password} />
        <label className="checkbox">
          <input
            type="checkbox"
            checked={showPassword}
            onChange={(event) => setShowPassword(event.target.checked)}
          />
          Show password
        </label>
        <button type="submit" className="primary" aria-busy={busy} disabled={busy}>
          {busy ? "Creating your account…" : "Create account"}
        </button>
        <ErrorText>{error}</ErrorText>
      </form>
      <h2>Or sign up with</h2>
      <ProviderButtons />
      <p>
        Already have an account? <Link to="/signin">Sign in</Link>
      </p>
    </main>
  );
}
