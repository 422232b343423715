import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { App } from "./App";
import { loadConfig } from "./config";
import { createAuth } from "./firebase";
import { SessionProvider } from "./session";
import "./styles.css";

const root = createRoot(document.getElementById("root")!);

loadConfig()
  .then((config) => {
    const auth = createAuth(config);
    root.render(
      <StrictMode>
        <SessionProvider auth={auth} config={config}>
          <App />
        </SessionProvider>
      </StrictMode>,
    );
  })
  .catch((error: unknown) => {
    root.render(
      <main className="narrow">
        <h1>WSAPI dashboard</h1>
        <p role="alert">The dashboard could not start: {String(error)}</p>
      </main>,
    );
  });
