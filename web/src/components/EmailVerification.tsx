import { onAuthStateChanged, reload, sendEmailVerification, type User } from "firebase/auth";
import { useEffect, useState } from "react";
import { describeAuthError } from "../auth/firebaseErrors";
import { useSession } from "../session";
import { ErrorText, StatusText } from "./Alert";

// Password accounts confirm their address through Firebase's verification email. Provider
// accounts (Google, GitHub) arrive verified and never see this.
export function EmailVerification() {
  const { auth } = useSession();
  const [user, setUser] = useState<User | null>(auth.currentUser);
  const [verified, setVerified] = useState(true);
  const [sent, setSent] = useState("");
  const [error, setError] = useState<string | null>(null);
  useEffect(() => onAuthStateChanged(auth, setUser), [auth]);

  useEffect(() => {
    if (!user) return;
    setVerified(user.emailVerified);
    // The stored user says what was true at sign-in; ask again so a link clicked since then counts.
    const check = () => {
      if (document.visibilityState !== "visible") return;
      reload(user)
        .then(() => setVerified(user.emailVerified))
        .catch(() => {});
    };
    check();
    document.addEventListener("visibilitychange", check);
    return () => document.removeEventListener("visibilitychange", check);
  }, [user]);

  if (!user || verified) return null;

  const resend = async () => {
    setError(null);
    try {
      await sendEmailVerification(user);
      setSent(`Verification email sent to ${user.email}.`);
    } catch (failure) {
      setError(describeAuthError(failure));
    }
  };

  return (
    <div className="notice">
      <p>
        Confirm your email address: open the link we sent to <strong>{user.email}</strong>.
      </p>
      <button type="button" onClick={() => void resend()}>
        Send the verification email again
      </button>
      <StatusText>{sent}</StatusText>
      <ErrorText>{error}</ErrorText>
    </div>
  );
}
