import { randomBytes, randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { type App, getApps, initializeApp } from "firebase-admin/app";
import { getFirestore } from "firebase-admin/firestore";
import type { StackUrls } from "../../scripts/stack/stack.js";

// Helpers for tests that run against the local stack started by `npm test`.
export type { StackUrls };

export function stack(): StackUrls {
  return JSON.parse(readFileSync(process.env.WSAPI_STACK ?? ".wsapi/stack.json", "utf8"));
}

export function adminApp(): App {
  const urls = stack();
  process.env.FIRESTORE_EMULATOR_HOST ??= urls.firestore;
  process.env.FIREBASE_AUTH_EMULATOR_HOST ??= urls.auth;
  return getApps()[0] ?? initializeApp({ projectId: urls.projectId });
}

export function adminDb() {
  return getFirestore(adminApp());
}

export const STRONG_PASSWORD = "Correct_Horse_9_Battery";

export function uniqueEmail(label = "user"): string {
  return `${label}-${randomUUID().slice(0, 8)}@example.com`;
}

/** Calls the Auth emulator's REST API the way the Firebase client SDK does. */
export async function authRest(path: string, body: unknown) {
  const response = await fetch(
    `http://${stack().auth}/identitytoolkit.googleapis.com/v1/${path}?key=fake-api-key`,
    {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    },
  );
  return {
    status: response.status,
    body: (await response.json()) as Record<string, unknown> & { error?: { message: string } },
  };
}

export async function signInWithPassword(email: string, password: string): Promise<string> {
  const result = await authRest("accounts:signInWithPassword", { email, password, returnSecureToken: true });
  if (result.status !== 200) throw new Error(`sign-in failed: ${result.body.error?.message}`);
  return result.body.idToken as string;
}

export async function json(
  method: string,
  url: string,
  body?: unknown,
  headers: Record<string, string> = {},
) {
  const response = await fetch(url, {
    method,
    headers: { ...(body === undefined ? {} : { "content-type": "application/json" }), ...headers },
    ...(body === undefined ? {} : { body: typeof body === "string" ? body : JSON.stringify(body) }),
  });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {}
  return { status: response.status, headers: response.headers, body: parsed as Record<string, unknown> };
}

/** A signed-in dashboard user: cookie + CSRF token, as the web app holds them. */
export interface DashboardUser {
  email: string;
  uid: string;
  cookie: string;
  csrfToken: string;
}

/** A random address in 198.18.0.0/15 (benchmarking range): one simulated client. */
export function testClientAddress(): string {
  const [a, b, c] = randomBytes(3);
  return `198.${18 + (a! & 1)}.${b}.${c}`;
}

export async function signUpAndSignIn(label = "user"): Promise<DashboardUser> {
  const { dashboard } = stack();
  const email = uniqueEmail(label);
  // Each simulated user signs up from an address of its own (the stack reads X-Forwarded-For locally),
  // so the suite's many sign-ups stay within the per-address sign-up throttle.
  const signup = await json(
    "POST",
    `${dashboard}/v1/signup`,
    { email, password: STRONG_PASSWORD },
    { "x-forwarded-for": testClientAddress() },
  );
  if (signup.status !== 201) throw new Error(`signup failed: ${JSON.stringify(signup.body)}`);
  const idToken = await signInWithPassword(email, STRONG_PASSWORD);
  const session = await json("POST", `${dashboard}/v1/session`, { idToken });
  if (session.status !== 200) throw new Error(`session failed: ${JSON.stringify(session.body)}`);
  const cookie = session.headers
    .getSetCookie()
    .find((c) => c.startsWith("__session="))!
    .split(";")[0]!;
  return { email, uid: signup.body.uid as string, cookie, csrfToken: session.body.csrfToken as string };
}

export function asUser(user: DashboardUser, withCsrf = true): Record<string, string> {
  return { cookie: user.cookie, ...(withCsrf ? { "x-csrf-token": user.csrfToken } : {}) };
}
