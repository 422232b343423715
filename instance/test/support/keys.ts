// Test keys and tokens: the gateway's ES256 pair and per-instance HS256 secrets, made fresh per run.
import { randomBytes } from "node:crypto";
import { GATEWAY_ISSUER, instanceAudience } from "@wsapi/contracts/tokens";
import { type CryptoKey, exportJWK, generateKeyPair, type JWK, SignJWT } from "jose";

export interface GatewayKeys {
  privateKey: CryptoKey;
  publicKey: CryptoKey;
  publicJwk: JWK;
}

export async function generateGatewayKeys(): Promise<GatewayKeys> {
  const { privateKey, publicKey } = await generateKeyPair("ES256", { extractable: true });
  const publicJwk = await exportJWK(publicKey);
  return { privateKey, publicKey, publicJwk: { ...publicJwk, alg: "ES256", use: "sig" } };
}

export function newInstanceSecret(): string {
  return randomBytes(32).toString("base64url");
}

export interface TokenOverrides {
  audience?: string;
  issuer?: string;
  expiresInSeconds?: number;
  issuedAtOffsetSeconds?: number;
  /** Claims besides identity, as the gateway adds them (the instance's pacing). */
  claims?: Record<string, unknown>;
}

/** A gateway token as the gateway mints it: ES256, 60 s, audience = one instance. */
export async function gatewayToken(
  keys: GatewayKeys,
  instanceId: string,
  overrides: TokenOverrides = {},
): Promise<string> {
  const now = Math.floor(Date.now() / 1000) + (overrides.issuedAtOffsetSeconds ?? 0);
  return new SignJWT(overrides.claims ?? {})
    .setProtectedHeader({ alg: "ES256", typ: "JWT" })
    .setIssuer(overrides.issuer ?? GATEWAY_ISSUER)
    .setAudience(overrides.audience ?? instanceAudience(instanceId))
    .setSubject("acct_test")
    .setIssuedAt(now)
    .setExpirationTime(now + (overrides.expiresInSeconds ?? 60))
    .sign(keys.privateKey);
}
