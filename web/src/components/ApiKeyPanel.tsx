import { useState } from "react";
import { describeError } from "../api";
import { ErrorText } from "./Alert";
import { ConfirmDialog } from "./ConfirmDialog";
import { formatTime } from "./format";
import { SecretField } from "./SecretField";

// One API key (the account's or an instance's): its prefix, reveal + copy, and rotation behind a
// confirmation, since the old key stops working at once.
export function ApiKeyPanel(props: {
  heading: string;
  description: string;
  prefix: string;
  createdAt: string;
  reveal: () => Promise<string>;
  rotate: () => Promise<string>;
  onRotated?: () => void;
}) {
  const [apiKey, setApiKey] = useState<string | null>(null);
  const [confirming, setConfirming] = useState(false);
  const [rotated, setRotated] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const reveal = async () => {
    setError(null);
    try {
      setApiKey(await props.reveal());
      setRotated(false);
    } catch (failure) {
      setError(describeError(failure));
    }
  };

  return (
    <section aria-label={props.heading} className="card">
      <h2>{props.heading}</h2>
      <p>{props.description}</p>
      <p>
        Key <span className="mono">{props.prefix}…</span>, created {formatTime(props.createdAt)}.
      </p>
      {apiKey ? (
        <SecretField
          label={rotated ? "New API key" : "API key"}
          value={apiKey}
          hint={rotated ? "The previous key no longer works. Update your clients with this one." : undefined}
        />
      ) : null}
      <div className="actions">
        {apiKey ? (
          <button type="button" onClick={() => setApiKey(null)}>
            Hide key
          </button>
        ) : (
          <button type="button" onClick={() => void reveal()}>
            Reveal key
          </button>
        )}
        <button type="button" className="danger" onClick={() => setConfirming(true)}>
          Rotate key
        </button>
      </div>
      <ErrorText>{error}</ErrorText>
      <ConfirmDialog
        open={confirming}
        title="Rotate this API key?"
        confirmLabel="Rotate key"
        onClose={() => setConfirming(false)}
        onConfirm={async () => {
          setApiKey(await props.rotate());
          setRotated(true);
          props.onRotated?.();
        }}
      >
        <p>
          A new key is created and the current one stops working within seconds: every client still using it
          gets 401 until you update it.
        </p>
      </ConfirmDialog>
    </section>
  );
}
