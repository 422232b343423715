import { onAuthStateChanged, reload, sendEmailVerification, type User } from "firebase/auth";
import { useEffect, useState } from "react";
import { describeAuthError } from "../auth/firebaseErrors";
import { useSession } from "../session";
import { ErrorText, StatusText } from "./Alert";

/**
 * Whether the signed-in user's email is verified, as Firebase Authentication says: checked again
 * whenever the page becomes visible, so a link followed in another tab counts. Instances need a
 * verified address (the API answers 403 EMAIL_NOT_VERIFIED); once the address is verified, the
 * dashboard API is asked for the account, which records the verification for the API gateway too.
 */
export function useEmailVerification() {
  const { auth, api } = useSession();
  const [user, setUser] = useState<User | null>(auth.currentUser);
  const [verified, setVerified] = useState(true);
  useEffect(() => onAuthStateChanged(auth, setUser), [auth]);

  useEffect(() => {
    if (!user) return;
    setVerified(user.emailVerified);
    // The stored user says what was true at sign-in; ask again so a link clicked since then counts.
    const check = () => {
      if (document.visibilityState !== "visible") return;
      const before = user.emailVerified;
      reload(user)
        .then(() => {
          setVerified(user.emailVerified);
          if (!before && user.emailVerified) void api.get("/v1/account").catch(() => {});
        })
        .catch(() => {});
    };
    check();
    document.addEventListener("visibilitychange", check);
    return () => document.removeEventListener("visibilitychange", check);
  }, [user, api]);

  return { user, verified: !user || verified };
}

// Password accounts confirm their address through Firebase's verification email. Provider
// accounts (Google, GitHub) that arrive verified never see this.
export function EmailVerification() {
  const { user, verified } = useEmailVerification();
  const [sent, setSent] = useState("");
  const [error, setError] = useState<string | null>(null);

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
        Confirm your email address: open the link we sent to <strong>{user.email}</strong>. You can create
        instances once it is confirmed.
      </p>
      <button type="button" onClick={() => void resend()}>
        Send the verification email again
      </button>
      <StatusText>{sent}</StatusText>
      <ErrorText>{error}</ErrorText>
    </div>
  );
}
