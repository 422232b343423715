import { randomBytes } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { exportJWK, generateKeyPair } from "jose";

// Local secrets live in functions/.secret.local (git-ignored), where the Functions emulator
// reads them for defineSecret params. Generated once; never committed, never logged.
export const SECRET_FILE = "functions/.secret.local";

async function generate(): Promise<Record<string, string>> {
  const { privateKey } = await generateKeyPair("ES256", { extractable: true });
  const signingJwk = { ...(await exportJWK(privateKey)), alg: "ES256", kid: `local-${Date.now()}` };
  return {
    WSAPI_DATA_KEYS: JSON.stringify({ current: 1, keys: { "1": randomBytes(32).toString("base64") } }),
    WSAPI_API_KEY_PEPPER: randomBytes(32).toString("base64url"),
    WSAPI_GATEWAY_SIGNING_KEY: JSON.stringify(signingJwk),
    // The local redis-server's password (Memorystore's AUTH string in production).
    WSAPI_REDIS_AUTH: randomBytes(24).toString("base64url"),
  };
}

export function parseSecretFile(text: string): Record<string, string> {
  const values: Record<string, string> = {};
  for (const line of text.split("\n")) {
    const match = /^([A-Z0-9_]+)='(.*)'$/.exec(line.trim());
    if (match) values[match[1]!] = match[2]!;
  }
  return values;
}

/** Creates the secret file when missing (or when a newer version of the stack added a secret). */
export async function ensureLocalSecrets(): Promise<Record<string, string>> {
  const existing = existsSync(SECRET_FILE) ? parseSecretFile(readFileSync(SECRET_FILE, "utf8")) : {};
  const fresh = await generate();
  const merged = { ...fresh, ...existing };
  if (Object.keys(fresh).some((name) => !(name in existing))) {
    const body = Object.entries(merged)
      .map(([name, value]) => `${name}='${value}'`)
      .join("\n");
    writeFileSync(SECRET_FILE, `${body}\n`, { mode: 0o600 });
  }
  return merged;
}
