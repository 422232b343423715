import { FirebaseError } from "firebase/app";
import { sendPasswordResetEmail } from "firebase/auth";
import { type FormEvent, useState } from "react";
import { describeAuthError } from "../auth/firebaseErrors";
import { ErrorText, StatusText } from "../components/Alert";
import { PageTitle } from "../components/PageTitle";
import { Link } from "../router";
import { useSession } from "../session";

export function ResetPasswordPage() {
  const { auth } = useSession();
  const [email, setEmail] = useState("");
  const [sent, setSent] = useState("");
  const [error, setError] = useState<string | null>(null);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    setSent("");
    try {
      await sendPasswordResetEmail(auth, email.trim());
    } catch (failure) {
      // The same answer whether or not the address has an account: no account discovery here.
      if (!(failure instanceof FirebaseError && failure.code === "auth/user-not-found")) {
        setError(describeAuthError(failure));
        return;
      }
    }
    setSent(`If ${email.trim()} has a WSAPI account, a link to choose a new password is on its way.`);
  };

  return (
    <main id="main" className="narrow">
      <PageTitle>Reset your password</PageTitle>
      <form onSubmit={submit} className="stack">
        <label htmlFor="reset-email">Email</label>
        <input
          id="reset-email"
          type="email"
          autoComplete="email"
          required
          value={email}
          onChange={(event) => setEmail(event.target.value)}
        />
        <button type="submit" className="primary">
          Send reset link
        </button>
      </form>
      <StatusText>{sent}</StatusText>
      <ErrorText>{error}</ErrorText>
      <p>
        <Link to="/signin">Back to sign-in</Link>
      </p>
    </main>
  );
}
