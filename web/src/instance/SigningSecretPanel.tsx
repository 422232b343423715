import { useState } from "react";
import { describeError } from "../api";
import { ErrorText } from "../components/Alert";
import { ConfirmDialog } from "../components/ConfirmDialog";
import { formatTime } from "../components/format";
import { SecretField } from "../components/SecretField";
import { useSession } from "../session";
import type { SigningSecret } from "../types";

// The secret that signs this instance's webhooks (Standard Webhooks `whsec_…`). After a rotation
// the previous secret keeps signing for a grace period, so receivers can switch without a gap.
export function SigningSecretPanel(props: { instanceId: string }) {
  const { api } = useSession();
  const base = `/v1/instances/${encodeURIComponent(props.instanceId)}/webhook/secret`;
  const [secret, setSecret] = useState<SigningSecret | null>(null);
  const [confirming, setConfirming] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const reveal = async () => {
    setError(null);
    try {
      setSecret(await api.post<SigningSecret>(`${base}/reveal`));
    } catch (failure) {
      setError(describeError(failure));
    }
  };

  return (
    <section aria-labelledby="secret-heading" className="card">
      <h2 id="secret-heading">Signing secret</h2>
      <p>
        Verify the <span className="mono">webhook-signature</span> header of every request with this secret
        before trusting it.
      </p>
      {secret ? (
        <SecretField
          label="Current signing secret"
          value={secret.secret}
          hint={
            secret.previousSecretExpiresAt
              ? `The previous secret also signs until ${formatTime(secret.previousSecretExpiresAt)}.`
              : undefined
          }
        />
      ) : null}
      <div className="actions">
        {secret ? (
          <button type="button" onClick={() => setSecret(null)}>
            Hide secret
          </button>
        ) : (
          <button type="button" onClick={() => void reveal()}>
            Reveal secret
          </button>
        )}
        <button type="button" className="danger" onClick={() => setConfirming(true)}>
          Rotate secret
        </button>
      </div>
      <ErrorText>{error}</ErrorText>
      <ConfirmDialog
        open={confirming}
        title="Rotate the signing secret?"
        confirmLabel="Rotate secret"
        onClose={() => setConfirming(false)}
        onConfirm={async () => setSecret(await api.post<SigningSecret>(`${base}/rotate`))}
      >
        <p>
          A new secret signs from now on. The current one keeps signing too for a grace period, so update your
          receiver before it ends.
        </p>
      </ConfirmDialog>
    </section>
  );
}
