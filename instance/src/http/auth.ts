import { PACING_CLAIM, Pacing } from "@wsapi/contracts/pacing";
import {
  GATEWAY_ISSUER,
  GATEWAY_TOKEN_ALG,
  GATEWAY_TOKEN_TTL_SECONDS,
  HISTORY_SYNC_CLAIM,
  instanceAudience,
} from "@wsapi/contracts/tokens";
import type { Context, MiddlewareHandler } from "hono";
import { type CryptoKey, errors, jwtVerify } from "jose";
import type { InstanceLogs } from "../logs.js";
import { problemResponse } from "./problem.js";

const CLOCK_TOLERANCE_SECONDS = 5;

declare module "hono" {
  interface ContextVariableMap {
    /** The instance's pacing settings, from the gateway token; null = off. */
    pacing: Pacing | null;
  }
}

/** What the instance knows of its own settings: only what the latest gateway token said. */
export interface GatewaySettings {
  /** WSAPI's `historySync`: keep the history sync after pairing (the token's `history_sync` claim). */
  historySync: boolean;
}

/**
 * Accepts only the gateway's ES256 tokens minted for this very instance. The algorithm list is
 * pinned, so `alg: none` and HS256-with-the-public-key (algorithm confusion) are refused.
 */
export function gatewayAuth(
  instanceId: string,
  gatewayKey: CryptoKey,
  logs: InstanceLogs,
  settings: GatewaySettings = { historySync: false },
): MiddlewareHandler {
  const audience = instanceAudience(instanceId);
  return async (c, next) => {
    const header = c.req.header("authorization") ?? "";
    const match = /^Bearer ([A-Za-z0-9_.-]+)$/.exec(header);
    if (!match?.[1]) return unauthorized(c, "missing bearer token", logs, "missing");
    try {
      const { payload } = await jwtVerify(match[1], gatewayKey, {
        issuer: GATEWAY_ISSUER,
        audience,
        algorithms: [GATEWAY_TOKEN_ALG],
        requiredClaims: ["exp", "iat"],
        maxTokenAge: GATEWAY_TOKEN_TTL_SECONDS,
        clockTolerance: CLOCK_TOLERANCE_SECONDS,
      });
      // The gateway mints 60-second tokens; a longer-lived one is a bug or a forgery.
      if ((payload.exp ?? 0) - (payload.iat ?? 0) > GATEWAY_TOKEN_TTL_SECONDS) {
        return unauthorized(c, "invalid or expired gateway token", logs, "lifetime");
      }
      const pacing = payload[PACING_CLAIM] === undefined ? null : Pacing.safeParse(payload[PACING_CLAIM]);
      if (pacing && !pacing.success) return unauthorized(c, "invalid gateway token", logs, "claim:pacing");
      c.set("pacing", pacing ? pacing.data : null);
      const historySync = payload[HISTORY_SYNC_CLAIM];
      if (historySync !== undefined && historySync !== true)
        return unauthorized(c, "invalid gateway token", logs, `claim:${HISTORY_SYNC_CLAIM}`);
      // Every token is minted with the current settings, so the latest one is the truth.
      settings.historySync = historySync === true;
    } catch (error) {
      return unauthorized(c, "invalid or expired gateway token", logs, rejectionReason(error));
    }
    await next();
  };
}

function unauthorized(c: Context, detail: string, logs: InstanceLogs, reason: string): Response {
  logs.tokenRejected(reason);
  return problemResponse(c, "UNAUTHENTICATED", detail, {
    "www-authenticate": 'Bearer realm="wsapi-instance"',
  });
}

function rejectionReason(error: unknown): string {
  if (error instanceof errors.JWTExpired) return "expired";
  if (error instanceof errors.JWTClaimValidationFailed) return `claim:${error.claim}`;
  if (error instanceof errors.JOSEAlgNotAllowed) return "algorithm";
  if (error instanceof errors.JWSSignatureVerificationFailed) return "signature";
  if (error instanceof errors.JOSEError) return error.code;
  return "malformed";
}
