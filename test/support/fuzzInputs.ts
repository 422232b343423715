import { IMPLEMENTED_ROUTES } from "@wsapi/contracts/routes";
import fc from "fast-check";

// Generated inputs for fuzzing the gateway and the dashboard, shared by the short property test
// (test/integration/gatewayFuzz.test.ts) and the long run (`npm run fuzz`, scripts/fuzz.ts).

/** Header values a real client can send (fetch refuses control characters and non-Latin-1). */
export const headerValue = fc.string({
  unit: fc.constantFrom(
    ..." !#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[]^_`abcdefghijklmnopqrstuvwxyz{|}~é",
  ),
  maxLength: 80,
});

export const pathParam = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.constantFrom(
    "..",
    "../../etc/passwd",
    "%2e%2e",
    "15551234567@s.whatsapp.net",
    "",
    "a".repeat(300),
    "💥",
    "\u0000",
  ),
);

export const jsonBody = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }).map((value) => JSON.stringify(value)),
  fc.record({ to: fc.string(), text: fc.string() }).map((value) => JSON.stringify(value)),
  fc.constantFrom("[]", "null", '{"to":"15551234567@s.whatsapp.net","text":""}', '{"data":"!!!"}'),
);

export const BODY_CONTENT_TYPES = [
  "application/json",
  "text/plain",
  "application/x-www-form-urlencoded",
  "",
] as const;
export const bodyContentType = fc.constantFrom(...BODY_CONTENT_TYPES);

/** Replaces each `:param` of a Hono pattern with the (URL-encoded) generated values, in turn. */
export function fillPath(template: string, params: string[]): string {
  let index = 0;
  return template.replace(/:\w+/g, () => encodeURIComponent(params[index++ % params.length] ?? ""));
}

// The Functions runtime's JSON body parser answers a plain 400 before our code for bodies that are
// not a JSON object or array (README, known limits); everything else must be ours.
export function platformRefuses(body: string, contentType: string): boolean {
  if (!contentType.startsWith("application/json")) return false;
  try {
    const parsed: unknown = JSON.parse(body);
    return parsed === null || typeof parsed !== "object";
  } catch {
    return true;
  }
}

export interface FuzzAnswer {
  status: number;
  contentType: string;
  text: string;
}

/** Why an error answer is not a well-formed problem+json, or undefined when it is (or no error). */
export function problemIssue(answer: FuzzAnswer): string | undefined {
  if (answer.status < 400) return undefined;
  if (!/application\/problem\+json/.test(answer.contentType)) {
    return `not problem+json (${answer.contentType || "no content-type"})`;
  }
  let problem: { status?: unknown; detail?: unknown };
  try {
    problem = JSON.parse(answer.text);
  } catch {
    return "problem+json body is not JSON";
  }
  if (problem?.status !== answer.status) return `problem status ${String(problem?.status)}`;
  if (typeof problem.detail !== "string") return "problem without a detail";
  return undefined;
}

export { DASHBOARD_ROUTES, GATEWAY_ACCOUNT_PATHS } from "./appRoutes.js";
/** The operations the instance serves (the gateway's own event stream is left out: it streams). */
export { IMPLEMENTED_ROUTES };
