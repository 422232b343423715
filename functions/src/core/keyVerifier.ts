import { planFor } from "./accounts.js";
import { apiKeyDigest, isWellFormedApiKey } from "./apiKey.js";
import { ApiError } from "./errors.js";
import type { AccountStatus, AccountStore, ApiKeyRecord, Clock, Plan } from "./ports.js";
import { TtlCache } from "./ttlCache.js";

/** Who a request acts as once its key is verified. */
export interface Principal {
  accountId: string;
  keyKind: ApiKeyRecord["kind"];
  instanceId?: string;
  status: AccountStatus;
  plan: Plan;
}

// A rotated-away key keeps working on a warm server for at most this long (the documented bound).
export const KEY_CACHE_TTL_MS = 5_000;

export class ApiKeyVerifier {
  private readonly cache: TtlCache<Principal | null>;

  constructor(
    private readonly store: AccountStore,
    private readonly pepper: Buffer,
    clock: Clock,
    ttlMs = KEY_CACHE_TTL_MS,
  ) {
    this.cache = new TtlCache(ttlMs, 50_000, clock);
  }

  /** Resolves a key to its principal; cached hits and misses cost no Firestore read. */
  async verify(apiKey: string | undefined): Promise<Principal> {
    if (!apiKey) throw new ApiError("UNAUTHENTICATED", "Missing X-Api-Key header.");
    if (!isWellFormedApiKey(apiKey)) throw new ApiError("UNAUTHENTICATED", "Malformed API key.");
    const digest = apiKeyDigest(apiKey, this.pepper);
    const principal = await this.cache.getOrLoad(digest, () => this.load(digest));
    if (!principal) throw new ApiError("UNAUTHENTICATED", "Unknown or revoked API key.");
    if (principal.status !== "active") throw new ApiError("FORBIDDEN", "This account is suspended.");
    return principal;
  }

  /** Drops a digest on this server at once (the rotating server needs no grace period). */
  forget(digest: string): void {
    this.cache.delete(digest);
  }

  private async load(digest: string): Promise<Principal | null> {
    const record = await this.store.findApiKey(digest);
    if (!record) return null;
    const account = await this.store.getAccount(record.accountId);
    if (!account) return null;
    return {
      accountId: record.accountId,
      keyKind: record.kind,
      ...(record.instanceId ? { instanceId: record.instanceId } : {}),
      status: account.status,
      plan: await planFor(this.store, account.planId),
    };
  }
}
