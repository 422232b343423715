// Idempotency-Key claims (core/idempotency.ts): one record per instance and key.

export interface IdempotencyRecord {
  requestDigest: string;
  claimedAt: number;
  expireAt: Date;
  status?: number;
  contentType?: string;
  /** AES-GCM envelope of the answer body (AAD idempotencyKeys/{id}#body). */
  body?: string;
}

export interface IdempotencyStore {
  /**
   * Writes `record` unless a record exists that was claimed at or after `staleBefore`; answers that
   * record, or undefined when the caller now holds the claim.
   */
  claim(id: string, record: IdempotencyRecord, staleBefore: number): Promise<IdempotencyRecord | undefined>;
  get(id: string): Promise<IdempotencyRecord | undefined>;
  complete(id: string, answer: Pick<IdempotencyRecord, "status" | "contentType" | "body">): Promise<void>;
  release(id: string): Promise<void>;
}
