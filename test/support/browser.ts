import { mkdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { type Browser, type BrowserContext, chromium, type Page } from "playwright-core";
import { STRONG_PASSWORD, stack, uniqueEmail } from "./stack.js";

// Real Chromium (Debian's, installed by .ci/run) driving the dashboard served by the Hosting emulator.
export const CHROMIUM = process.env.WSAPI_CHROMIUM ?? "/usr/bin/chromium";
export const ARTIFACTS = "test-artifacts";
// Generous bounds for a loaded 2-core machine; Playwright's auto-waiting does the rest.
export const UI_TIMEOUT_MS = 60_000;

export interface BrowserSession {
  browser: Browser;
  context: BrowserContext;
  page: Page;
  hosting: string;
  /** Console errors, page errors and CSP / Trusted Types violations seen so far. */
  problems: string[];
  /** Every URL the browser requested, to prove nothing goes to a third party. */
  requests: string[];
}

export async function openBrowser(): Promise<BrowserSession> {
  // launch() uses a fresh temporary profile every time.
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  context.setDefaultTimeout(UI_TIMEOUT_MS);
  const problems: string[] = [];
  const requests: string[] = [];
  context.on("request", (request) => requests.push(request.url()));
  context.on("weberror", (error) => problems.push(`page error: ${error.error().message}`));
  context.on("console", (message) => {
    const text = message.text();
    // 4xx answers the app handles (401 before sign-in, 400 for a weak password) and 503 while an
    // instance is still starting (the page shows it and polls again) are logged by
    // Chromium as "Failed to load resource"; they are expected, everything else is not.
    if (
      message.type() === "error" &&
      !/Failed to load resource: the server responded with a status of (4\d\d|503)/.test(text)
    ) {
      problems.push(`console error: ${text}`);
    }
    if (/Content Security Policy|Trusted Type|Permissions-Policy/i.test(text))
      problems.push(`policy: ${text}`);
  });
  const page = await context.newPage();
  return { browser, context, page, hosting: stack().hosting, problems, requests };
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: `${ARTIFACTS}/${name}.png`, fullPage: true });
}

/** Signs up through the dashboard's own form and waits for the instances page. */
export async function signUpInBrowser(session: BrowserSession, label = "e2e"): Promise<string> {
  const { page, hosting } = session;
  const email = uniqueEmail(label);
  await page.goto(`${hosting}/signup`);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password", { exact: true }).fill(STRONG_PASSWORD);
  await page.getByRole("button", { name: "Create account" }).click();
  await page.getByRole("heading", { level: 1, name: "Instances" }).waitFor();
  return email;
}

/** The __session cookie the browser holds, as a Cookie header value. */
export async function sessionCookie(context: BrowserContext): Promise<string> {
  const cookie = (await context.cookies()).find((candidate) => candidate.name === "__session");
  if (!cookie) throw new Error("the browser holds no __session cookie");
  return `__session=${cookie.value}`;
}

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: number;
}

const axeSource = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

/** Runs axe-core in the page (evaluated through DevTools, so the page's CSP stays as deployed). */
export async function axeViolations(page: Page): Promise<AxeViolation[]> {
  await page.evaluate(axeSource);
  return page.evaluate(async () => {
    const axe = (globalThis as unknown as { axe: { run(): Promise<AxeResults> } }).axe;
    const results = await axe.run();
    return results.violations.map((violation) => ({
      id: violation.id,
      impact: violation.impact,
      help: violation.help,
      nodes: violation.nodes.length,
    }));
  });
}

interface AxeResults {
  violations: Array<{ id: string; impact: string | null; help: string; nodes: unknown[] }>;
}

export function seriousOnly(violations: AxeViolation[]): AxeViolation[] {
  return violations.filter((violation) => violation.impact === "serious" || violation.impact === "critical");
}

/** The hosts a dashboard page may talk to locally: itself and the Auth emulator. */
export function thirdPartyRequests(session: BrowserSession): string[] {
  const allowed = new Set([new URL(session.hosting).host, stack().auth]);
  return session.requests.filter((url) => {
    if (url.startsWith("data:") || url.startsWith("about:") || url.startsWith("blob:")) return false;
    return !allowed.has(new URL(url).host);
  });
}
