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

/** An email the Auth emulator would have sent (it keeps them instead of sending). */
export interface OobCode {
  email: string;
  requestType: string;
  oobCode: string;
}

export async function emailsTo(email: string): Promise<OobCode[]> {
  const { auth, projectId } = stack();
  const response = await fetch(`http://${auth}/emulator/v1/projects/${projectId}/oobCodes`);
  const { oobCodes } = (await response.json()) as { oobCodes: OobCode[] };
  return oobCodes.filter((code) => code.email === email);
}

/**
 * Verifies the address as its owner would: follows the link of the latest verification email, the
 * way Firebase's action page applies its code. With `idToken`, asks for that email first (the
 * dashboard's sign-up page sends one by itself).
 */
export async function verifyEmail(email: string, idToken?: string): Promise<void> {
  if (idToken) {
    const sent = await authRest("accounts:sendOobCode", { requestType: "VERIFY_EMAIL", idToken });
    if (sent.status !== 200) throw new Error(`no verification email: ${sent.body.error?.message}`);
  }
  const deadline = Date.now() + 10_000;
  let link: OobCode | undefined;
  while (!link && Date.now() < deadline) {
    link = (await emailsTo(email)).filter((code) => code.requestType === "VERIFY_EMAIL").pop();
    if (!link) await new Promise((resolve) => setTimeout(resolve, 200));
  }
  if (!link) throw new Error(`no verification email reached ${email}`);
  const applied = await authRest("accounts:update", { oobCode: link.oobCode });
  if (applied.status !== 200 || applied.body.emailVerified !== true) {
    throw new Error(`verifying ${email} failed: ${JSON.stringify(applied.body)}`);
  }
}

/** A random address in 198.18.0.0/15 (benchmarking range): one simulated client. */
export function testClientAddress(): string {
  const [a, b, c] = randomBytes(3);
  return `198.${18 + (a! & 1)}.${b}.${c}`;
}

/**
 * Signs up through the dashboard API, verifies the email through the Auth emulator (instances need a
 * verified address; pass `verified: false` to stay unverified), signs in and opens a session.
 */
export async function signUpAndSignIn(
  label = "user",
  options: { verified?: boolean } = {},
): Promise<DashboardUser> {
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
  let idToken = await signInWithPassword(email, STRONG_PASSWORD);
  if (options.verified !== false) {
    await verifyEmail(email, idToken);
    // A sign-in after verifying: the blocking function records it on the account.
    idToken = await signInWithPassword(email, STRONG_PASSWORD);
  }
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
