import type { ReactNode } from "react";

/** An error the user must notice: announced at once by screen readers. */
export function ErrorText(props: { children: ReactNode }) {
  if (!props.children) return null;
  return (
    <p role="alert" className="error">
      {props.children}
    </p>
  );
}

/** Progress and outcomes announced politely; the region exists before its text changes. */
export function StatusText(props: { children: ReactNode; id?: string }) {
  return (
    <p role="status" className="status-text" id={props.id}>
      {props.children}
    </p>
  );
}
