import { useId, useState } from "react";

// A revealed secret: read-only, selectable, with a copy button whose outcome is announced.
export function SecretField(props: { label: string; value: string; hint?: string }) {
  const id = useId();
  const [copied, setCopied] = useState<string>("");

  const copy = async () => {
    try {
      await navigator.clipboard.writeText(props.value);
      setCopied("Copied to the clipboard.");
    } catch {
      setCopied("Copying was not allowed: select the text and copy it yourself.");
    }
  };

  return (
    <div className="secret-field">
      <label htmlFor={id}>{props.label}</label>
      <div className="inline">
        <input
          id={id}
          readOnly
          value={props.value}
          spellCheck={false}
          autoComplete="off"
          className="mono"
          onFocus={(event) => event.currentTarget.select()}
        />
        <button type="button" onClick={copy}>
          Copy
        </button>
      </div>
      {props.hint ? <p className="muted">{props.hint}</p> : null}
      <p role="status" className="status-text">
        {copied}
      </p>
    </div>
  );
}
