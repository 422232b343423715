import { type FormEvent, useEffect, useState } from "react";
import { ApiProblem, describeError } from "../api";
import { ErrorText, StatusText } from "../components/Alert";
import { useSession } from "../session";
import { usePoll } from "../usePoll";

// WhatsApp rotates the QR code every ~20 s: the text endpoint is polled (cheap) and the PNG is
// fetched again only when the code changed.
const QR_POLL_MS = 3_000;

export function PairingPanel(props: { instanceId: string; ready: boolean }) {
  const { api } = useSession();
  const base = `/v1/instances/${encodeURIComponent(props.instanceId)}`;
  const qr = usePoll(
    async () => (props.ready ? (await api.get<{ code: string }>(`${base}/session/qr/text`)).code : null),
    QR_POLL_MS,
    `${props.instanceId}:${props.ready}`,
  );
  const [qrVersion, setQrVersion] = useState(0);
  useEffect(() => {
    if (qr.data) setQrVersion((value) => value + 1);
  }, [qr.data]);
  const waiting = !props.ready || (qr.error instanceof ApiProblem && qr.error.status === 503);

  return (
    <section aria-labelledby="pairing-heading" className="card">
      <h2 id="pairing-heading">Pair a phone</h2>
      <ol>
        <li>Open WhatsApp on the phone and go to Settings, then Linked devices.</li>
        <li>Tap Link a device and scan the code below. It changes every few seconds; this page keeps up.</li>
      </ol>
      {qr.data && !waiting ? (
        <img
          className="qr"
          src={`${base}/session/qr?v=${qrVersion}`}
          width={320}
          height={320}
          alt="QR code to scan with WhatsApp's Link a device"
        />
      ) : null}
      <StatusText>
        {waiting ? "Connecting to WhatsApp; the QR code appears when the instance is ready." : ""}
      </StatusText>
      {qr.error && !waiting ? <ErrorText>{describeError(qr.error)}</ErrorText> : null}
      <PairCodeForm base={base} />
    </section>
  );
}

function PairCodeForm(props: { base: string }) {
  const { api } = useSession();
  const [phone, setPhone] = useState("");
  const [code, setCode] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    setCode(null);
    const digits = phone.replace(/[\s()-]/g, "");
    try {
      const answer = await api.get<{ code: string }>(
        `${props.base}/session/pair-code/${encodeURIComponent(digits)}`,
      );
      setCode(answer.code);
    } catch (failure) {
      setError(describeError(failure));
    }
  };

  return (
    <form onSubmit={submit} className="stack" aria-label="Pair with a code instead">
      <h3>Or link with a phone number</h3>
      <label htmlFor="pair-phone">Phone number, with country code</label>
      <input
        id="pair-phone"
        type="tel"
        inputMode="tel"
        autoComplete="off"
        required
        aria-describedby="pair-phone-hint"
        value={phone}
        onChange={(event) => setPhone(event.target.value)}
      />
      <p id="pair-phone-hint" className="muted">
        For example +49 151 23456789. In WhatsApp choose Link with phone number instead and type the code.
      </p>
      <button type="submit">Get pair code</button>
      <StatusText>{code ? `Pair code: ${code}` : ""}</StatusText>
      {code ? <p className="pair-code mono">{code}</p> : null}
      <ErrorText>{error}</ErrorText>
    </form>
  );
}
