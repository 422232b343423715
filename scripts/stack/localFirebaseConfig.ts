import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

// The committed firebase.json is production's: its dashboard CSP lets the page reach this origin and
// Firebase Authentication only. The local stack starts the emulators from a derived copy whose CSP
// also allows the Auth emulator's origin, and differs in nothing else. firebase-tools resolves
// hosting.public, the functions source and the rules files against the directory of the config file
// it is given, so the copy sits next to firebase.json (git-ignored) and is passed with --config.
export const COMMITTED_CONFIG = "firebase.json";
export const LOCAL_CONFIG = "firebase.local.json";

interface HeaderRule {
  source: string;
  headers: Array<{ key: string; value: string }>;
}

export interface FirebaseJson {
  hosting: { headers: HeaderRule[]; [key: string]: unknown };
  emulators: { auth: { host: string; port: number }; [key: string]: unknown };
  [key: string]: unknown;
}

/** Where the dashboard reaches the Auth emulator: the address web/vite.config.ts bakes in from the same file. */
export function authEmulatorOrigin(config: FirebaseJson): string {
  return `http://${config.emulators.auth.host}:${config.emulators.auth.port}`;
}

/** Appends `origin` to the policy's connect-src directive, leaving every other character as it was. */
export function allowConnectTo(csp: string, origin: string): string {
  const directive = /(^|;)(\s*connect-src\b[^;]*)/g;
  const found = csp.match(directive)?.length ?? 0;
  if (found !== 1) throw new Error(`expected one connect-src directive in the CSP, found ${found}`);
  return csp.replace(
    directive,
    (_, before: string, sources: string) => `${before}${sources.trimEnd()} ${origin}`,
  );
}

/** The emulators' config: the committed one with the Auth emulator's origin in every CSP's connect-src. */
export function localFirebaseConfig(committed: FirebaseJson): FirebaseJson {
  const local = structuredClone(committed);
  const origin = authEmulatorOrigin(committed);
  let policies = 0;
  for (const rule of local.hosting.headers) {
    for (const header of rule.headers) {
      if (header.key.toLowerCase() !== "content-security-policy") continue;
      header.value = allowConnectTo(header.value, origin);
      policies++;
    }
  }
  if (policies === 0) throw new Error(`${COMMITTED_CONFIG} sets no Content-Security-Policy`);
  return local;
}

/** Writes <root>/firebase.local.json from <root>/firebase.json; returns its path relative to root. */
export function writeLocalFirebaseConfig(root = "."): string {
  const committed = JSON.parse(readFileSync(join(root, COMMITTED_CONFIG), "utf8")) as FirebaseJson;
  writeFileSync(join(root, LOCAL_CONFIG), `${JSON.stringify(localFirebaseConfig(committed), null, 2)}\n`);
  return LOCAL_CONFIG;
}
