import {
  GATEWAY_ISSUER,
  GATEWAY_TOKEN_ALG,
  GATEWAY_TOKEN_TTL_SECONDS,
  instanceAudience,
} from "@wsapi/contracts/tokens";
import { importJWK, type JWK, SignJWT } from "jose";

// Tokens live 60 s; one is reused for up to 30 s per instance so the hot path rarely signs.
const REUSE_MS = 30_000;

export async function gatewayTokenSigner(privateJwk: JWK, now = Date.now) {
  const key = await importJWK(privateJwk, GATEWAY_TOKEN_ALG);
  const cache = new Map<string, { token: string; mintedAt: number }>();
  return async (runtimeId: string, claims: Record<string, unknown> = {}): Promise<string> => {
    // A token is reused only with the same claims, so a settings change travels with the next call.
    const cacheKey = `${runtimeId} ${JSON.stringify(claims)}`;
    const cached = cache.get(cacheKey);
    const at = now();
    if (cached && at - cached.mintedAt < REUSE_MS) return cached.token;
    const token = await new SignJWT(claims)
      .setProtectedHeader({ alg: GATEWAY_TOKEN_ALG, ...(privateJwk.kid ? { kid: privateJwk.kid } : {}) })
      .setIssuer(GATEWAY_ISSUER)
      .setAudience(instanceAudience(runtimeId))
      .setSubject(runtimeId)
      .setIssuedAt(Math.floor(at / 1000))
      .setExpirationTime(Math.floor(at / 1000) + GATEWAY_TOKEN_TTL_SECONDS)
      .sign(key);
    if (cache.size > 10_000) cache.clear();
    cache.set(cacheKey, { token, mintedAt: at });
    return token;
  };
}

/** The public half, handed to instances so they can verify gateway tokens. */
export function publicJwkOf(privateJwk: JWK): JWK {
  const { d: _private, ...rest } = privateJwk;
  return rest;
}
