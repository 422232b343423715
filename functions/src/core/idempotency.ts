import { createHash, createHmac } from "node:crypto";
import { decrypt, encrypt } from "./aead.js";
import { ApiError } from "./errors.js";
import type { Clock } from "./ports/clock.js";
import type { IdempotencyStore } from "./ports/idempotency.js";
import type { KeyRing } from "./ports/keyRing.js";

// Idempotency-Key on mutating instance calls (our documented extension, Stripe's semantics): the
// same key with the same request within 24 h replays the first answer (same message id, same
// status) and sends nothing; the same key with another request is refused (422); a duplicate that
// arrives while the first is still running waits for its answer.
//
// Stored per key, in idempotencyKeys/{HMAC(pepper, runtimeId, key)}: a SHA-256 digest of the
// request (method, path, body), the claim time, and once answered the status, content type and
// the answer body AES-256-GCM encrypted (a send's answer is its message id; other calls may answer
// with JIDs). Deleted by Firestore's TTL after 24 h. 5xx answers and failures release the key, so a
// retry really retries.
export const IDEMPOTENCY_KEYS = "idempotencyKeys";
export const IDEMPOTENCY_TTL_MS = 24 * 3600_000;
/** A claim older than this was abandoned (its gateway died mid-call): the next request takes it. */
export const CLAIM_STALE_MS = 90_000;
/** How long a duplicate waits for the first request's answer before answering 409. */
export const DUPLICATE_WAIT_MS = 30_000;
const POLL_MS = 250;
export const IDEMPOTENCY_KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;

export interface IdempotencyDeps {
  idempotency: IdempotencyStore;
  keyRing: KeyRing;
  pepper: Buffer;
  clock: Clock;
  sleep?: (ms: number) => Promise<void>;
}

export interface Answer {
  status: number;
  contentType?: string;
  body: Uint8Array;
  /** Set on an answer replayed from the first request. */
  replayed?: boolean;
}

export interface IdempotentRequest {
  /** The instance's runtime id: a key is scoped to one instance. */
  runtimeId: string;
  key: string;
  method: string;
  pathAndQuery: string;
  body?: Uint8Array;
}

const sleeper = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export function idempotencyRecordId(pepper: Buffer, runtimeId: string, key: string): string {
  return createHmac("sha256", pepper).update(`idempotency\n${runtimeId}\n${key}`).digest("hex");
}

function requestDigest(request: IdempotentRequest): string {
  const hash = createHash("sha256").update(`${request.method} ${request.pathAndQuery}\n`);
  if (request.body) hash.update(request.body);
  return hash.digest("base64url");
}

/** Runs `run` once per key and request; a repeated request gets the first answer back. */
export async function withIdempotency(
  deps: IdempotencyDeps,
  request: IdempotentRequest,
  run: () => Promise<Answer>,
): Promise<Answer> {
  if (!IDEMPOTENCY_KEY_PATTERN.test(request.key)) {
    throw new ApiError("VALIDATION", "Idempotency-Key must be 1 to 255 visible ASCII characters.");
  }
  const id = idempotencyRecordId(deps.pepper, request.runtimeId, request.key);
  const digest = requestDigest(request);
  const aad = { collection: IDEMPOTENCY_KEYS, docId: id, field: "body" };
  const sleep = deps.sleep ?? sleeper;
  const deadline = deps.clock.now() + DUPLICATE_WAIT_MS;
  for (;;) {
    const now = deps.clock.now();
    const claim = { requestDigest: digest, claimedAt: now, expireAt: new Date(now + IDEMPOTENCY_TTL_MS) };
    let record = await deps.idempotency.claim(id, claim, now - CLAIM_STALE_MS);
    if (!record) return runClaimed(deps, id, aad, run);
    // A duplicate: the same request gets the first answer, once there is one.
    while (record) {
      if (record.requestDigest !== digest) {
        throw new ApiError(
          "IDEMPOTENCY_KEY_REUSED",
          "This Idempotency-Key was used for a different request in the last 24 hours.",
        );
      }
      if (record.status !== undefined) {
        const body = record.body ? await decrypt(deps.keyRing, record.body, aad) : new Uint8Array();
        return {
          status: record.status,
          ...(record.contentType ? { contentType: record.contentType } : {}),
          body,
          replayed: true,
        };
      }
      if (deps.clock.now() >= deadline) {
        throw new ApiError(
          "IDEMPOTENCY_KEY_IN_PROGRESS",
          "A request with this Idempotency-Key is still running; retry shortly.",
          { "retry-after": "1" },
        );
      }
      await sleep(POLL_MS);
      record = await deps.idempotency.get(id);
    }
    // The first request failed and released the key: claim it again.
  }
}

async function runClaimed(
  deps: IdempotencyDeps,
  id: string,
  aad: { collection: string; docId: string; field: string },
  run: () => Promise<Answer>,
): Promise<Answer> {
  let answer: Answer;
  try {
    answer = await run();
  } catch (error) {
    await deps.idempotency.release(id).catch(() => {});
    throw error;
  }
  if (answer.status >= 500) {
    await deps.idempotency.release(id);
    return answer;
  }
  await deps.idempotency.complete(id, {
    status: answer.status,
    ...(answer.contentType ? { contentType: answer.contentType } : {}),
    ...(answer.body.length > 0 ? { body: await encrypt(deps.keyRing, Buffer.from(answer.body), aad) } : {}),
  });
  return answer;
}
