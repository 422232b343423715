import { decodeJwt } from "jose";

// Google-signed ID tokens for calling instance services: Cloud Run's IAM invoker check accepts
// nothing else (audience = the service URL). The metadata server mints them for the function's own
// service account (locally, the stack's stand-in: scripts/stack/metadata.ts via GCE_METADATA_HOST).
// Tokens live an hour; each audience's token is reused until 5 minutes before it expires, with one
// fetch in flight per audience.
export const REFRESH_BEFORE_EXPIRY_MS = 5 * 60_000;
/** A refresh that fails while the old token still has this long left keeps using the old one. */
const STALE_GRACE_MS = 60_000;
const FETCH_TIMEOUT_MS = 5_000;

interface IdTokens {
  /** A token for this audience (a service URL's origin); throws IdTokenUnavailable. */
  get(audience: string): Promise<string>;
  /** Drops the cached token, e.g. after the service refused it. */
  forget(audience: string): void;
}

export class IdTokenUnavailable extends Error {
  constructor(audience: string, cause: unknown) {
    super(`no ID token for ${audience}: ${cause instanceof Error ? cause.message : String(cause)}`, {
      cause,
    });
    this.name = "IdTokenUnavailable";
  }
}

interface IdTokenCacheOptions {
  now?: () => number;
  refreshBeforeMs?: number;
  timeoutMs?: number;
  /** Bounds memory; the whole cache is dropped past it (one entry per instance service). */
  maxAudiences?: number;
}

export function cachedIdTokens(
  fetchToken: (audience: string) => Promise<string>,
  options: IdTokenCacheOptions = {},
): IdTokens {
  const now = options.now ?? Date.now;
  const refreshBeforeMs = options.refreshBeforeMs ?? REFRESH_BEFORE_EXPIRY_MS;
  const timeoutMs = options.timeoutMs ?? FETCH_TIMEOUT_MS;
  const maxAudiences = options.maxAudiences ?? 10_000;
  const cache = new Map<string, { token: string; expiresAt: number }>();
  const inFlight = new Map<string, Promise<string>>();

  async function load(audience: string): Promise<string> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      const token = await Promise.race([fetchToken(audience), timeout]);
      const { exp, aud } = decodeJwt(token);
      if (typeof exp !== "number") throw new Error("the token has no expiry");
      const audiences = Array.isArray(aud) ? aud : [aud];
      if (!audiences.includes(audience)) throw new Error("the token is for another audience");
      const expiresAt = exp * 1000;
      if (expiresAt <= now() + STALE_GRACE_MS) throw new Error("the token expires at once");
      if (cache.size >= maxAudiences) cache.clear();
      cache.set(audience, { token, expiresAt });
      return token;
    } finally {
      clearTimeout(timer);
    }
  }

  return {
    async get(audience) {
      const cached = cache.get(audience);
      if (cached && now() < cached.expiresAt - refreshBeforeMs) return cached.token;
      let pending = inFlight.get(audience);
      if (!pending) {
        pending = load(audience).finally(() => inFlight.delete(audience));
        inFlight.set(audience, pending);
      }
      try {
        return await pending;
      } catch (error) {
        if (cached && cache.get(audience) === cached && now() < cached.expiresAt - STALE_GRACE_MS)
          return cached.token;
        throw new IdTokenUnavailable(audience, error);
      }
    },
    forget(audience) {
      cache.delete(audience);
    },
  };
}

/**
 * Fetches ID tokens from the metadata server for the runtime's own service account
 * (`instance/service-accounts/default/identity?audience=…&format=full`).
 */
export function metadataIdTokens(): (audience: string) => Promise<string> {
  let client: Promise<{ fetchIdToken(audience: string): Promise<string> }> | undefined;
  return async (audience) => {
    client ??= import("google-auth-library").then(({ Compute }) => new Compute());
    // google-auth-library puts the audience into the query as given, so it is encoded here.
    const token = await (await client).fetchIdToken(encodeURIComponent(audience));
    if (typeof token !== "string" || token.split(".").length !== 3)
      throw new Error("the metadata server answered without an ID token");
    return token;
  };
}
