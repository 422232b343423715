import { type ReactNode, useEffect, useRef } from "react";

// Moves focus to the page's heading when a page opens, so screen readers announce the new page
// and keyboard users continue from the top of it.
export function PageTitle(props: { children: ReactNode }) {
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    ref.current?.focus();
  }, []);
  useEffect(() => {
    document.title = `${ref.current?.textContent ?? "Dashboard"} · WSAPI`;
  });
  return (
    <h1 ref={ref} tabIndex={-1}>
      {props.children}
    </h1>
  );
}
