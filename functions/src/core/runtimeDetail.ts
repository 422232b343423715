import type { RuntimeState } from "./ports/runtime.js";

// What customers learn about a runtime problem: one code from a small closed set and its fixed
// phrase. The provider's own text (Cloud Run condition messages, a process's exit) can name
// projects, service accounts, images and internal addresses: it goes only to our logs (redacted).
export const RUNTIME_DETAILS = {
  deploying: "The instance's service is being deployed.",
  image_unavailable: "The instance's image could not be pulled.",
  health_check_failed: "The instance did not pass its health check.",
  start_failed: "The instance did not start, or stopped unexpectedly.",
  capacity: "No capacity is available for the instance right now.",
  permission: "The platform is missing a permission the instance needs.",
  unknown: "The instance's runtime reported a problem.",
} as const;

type RuntimeDetailCode = keyof typeof RUNTIME_DETAILS;

const RULES: Array<[RegExp, RuntimeDetailCode]> = [
  [/\b(image|pull|manifest|artifact|registry|digest)\b/i, "image_unavailable"],
  [/\b(probe|health|readiness|liveness)\b/i, "health_check_failed"],
  [/\b(quota|capacity|resources? (are )?exhausted|rate limit|too many)\b/i, "capacity"],
  [/\b(permission|denied|forbidden|unauthori[sz]ed|iam|actas)\b/i, "permission"],
  [
    /\b(exit|exited|crash|crashed|start|started|listen|terminated|signal|killed|memory|oom)\b/i,
    "start_failed",
  ],
];

/** The code for a provider's text; undefined when there is nothing to say. */
export function runtimeDetailCode(
  state: RuntimeState,
  raw: string | undefined,
): RuntimeDetailCode | undefined {
  if (!raw) return undefined;
  if (raw in RUNTIME_DETAILS) return raw as RuntimeDetailCode;
  for (const [pattern, code] of RULES) if (pattern.test(raw)) return code;
  return state === "starting" ? "deploying" : "unknown";
}

/** The customer's view of a stored detail (a code; anything else, from before codes, is classified). */
export function runtimeDetailView(state: string, stored: string | undefined) {
  const code = runtimeDetailCode(state as RuntimeState, stored);
  return code ? { code, detail: RUNTIME_DETAILS[code] } : {};
}
