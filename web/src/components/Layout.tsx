import type { ReactNode } from "react";
import { Link } from "../router";
import { useSession } from "../session";
import { EmailVerification } from "./EmailVerification";

const NAV = [
  { to: "/", label: "Instances" },
  { to: "/account", label: "Account & API key" },
  { to: "/audit", label: "Audit log" },
];

export function Layout(props: { path: string; children: ReactNode }) {
  const { state, signOut, config } = useSession();
  const email = state.status === "signedIn" ? state.email : null;
  const current = (to: string) =>
    to === "/" ? props.path === "/" || props.path.startsWith("/instances/") : props.path === to;

  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="top-bar">
        <span className="brand">WSAPI</span>
        {config.authEmulatorUrl ? <span className="badge">Local emulators</span> : null}
        <nav aria-label="Main">
          <ul>
            {NAV.map((item) => (
              <li key={item.to}>
                <Link to={item.to} current={current(item.to)}>
                  {item.label}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
        <div className="account-menu">
          {email ? <span className="muted">{email}</span> : null}
          <button type="button" onClick={() => void signOut()}>
            Sign out
          </button>
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        <EmailVerification />
        {props.children}
      </main>
    </>
  );
}
