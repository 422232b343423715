import type { IdempotencyRecord, IdempotencyStore } from "../../src/core/ports/idempotency.js";

/** idempotencyKeys in memory, with Firestore's semantics (claims decided one at a time). */
export function memoryIdempotencyStore(): IdempotencyStore & { records: Map<string, IdempotencyRecord> } {
  const records = new Map<string, IdempotencyRecord>();
  return {
    records,
    async claim(id, record, staleBefore) {
      const existing = records.get(id);
      if (existing && (existing.status !== undefined || existing.claimedAt >= staleBefore))
        return { ...existing };
      records.set(id, { ...record });
      return undefined;
    },
    async get(id) {
      const record = records.get(id);
      return record ? { ...record } : undefined;
    },
    async complete(id, answer) {
      const record = records.get(id);
      if (record) records.set(id, { ...record, ...answer });
    },
    async release(id) {
      records.delete(id);
    },
  };
}
