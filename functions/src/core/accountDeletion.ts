import { ApiError } from "./errors.js";
import { deleteInstance, type InstanceDeps } from "./instanceService.js";
import type { AccountDeletionStore } from "./ports/accounts.js";
import type { Clock } from "./ports/clock.js";

// Deleting an account really deletes it, as one resumable, idempotent job keyed by the uid.
//
// 1. The request (DELETE /v1/account), in one transaction: the account key and every instance key
//    stop resolving (their apiKeys documents go; this server's verification cache forgets them, the
//    others within KEY_CACHE_TTL_MS) and the job's record accountDeletions/{uid} is written.
// 2. The job, one recorded step after another (nextAccountDeletionStep, a pure decision on the
//    record): every instance goes through the instance deletion (core/instanceDeletion.ts: device
//    logout, runtime, secret, service account, session state, delivery data); every Firestore
//    document that names the account (accounts/{uid} with its auditLog, instances, subscriptions and
//    their changes, accountSecrets/{uid}, apiKeys naming it) is erased; the Firebase Auth user is deleted; the
//    record goes last. No audit record remains, so none holds the uid or the email.
// Running the job again at any point (a repeated request, a retry) resumes it where it stopped.
export const ACCOUNT_DELETIONS = "accountDeletions";

export interface AccountDeletionRecord {
  uid: string;
  requestedAt: number;
  instancesDeletedAt?: number;
  documentsErasedAt?: number;
  authUserDeletedAt?: number;
}

export type AccountDeletionStep =
  | { kind: "deleteInstances" }
  | { kind: "eraseDocuments" }
  | { kind: "deleteAuthUser" }
  | { kind: "finish" };

/** The next step of an account deletion job, from its record alone. */
export function nextAccountDeletionStep(record: AccountDeletionRecord): AccountDeletionStep {
  if (record.instancesDeletedAt === undefined) return { kind: "deleteInstances" };
  // Instances first: their deletion reads the account's instance documents and appends to its audit log.
  if (record.documentsErasedAt === undefined) return { kind: "eraseDocuments" };
  if (record.authUserDeletedAt === undefined) return { kind: "deleteAuthUser" };
  return { kind: "finish" };
}

export interface AccountDeletionDeps {
  accountDeletions: AccountDeletionStore;
  instanceDeps: InstanceDeps;
  /** Deletes the Firebase Auth user; an absent user counts as deleted. */
  deleteAuthUser(uid: string): Promise<void>;
  clock: Clock;
}

/** Step 1: the keys stop working. Idempotent: a running job keeps its record; undefined: nothing to do. */
export async function requestAccountDeletion(deps: AccountDeletionDeps, uid: string) {
  const { record, digests } = await deps.accountDeletions.begin(uid, deps.clock.now());
  for (const digest of digests) deps.instanceDeps.forgetKey?.(digest);
  return record;
}

/** Runs (or resumes) the job to its end; without a record there is nothing left to do. */
export async function runAccountDeletion(deps: AccountDeletionDeps, uid: string) {
  let record = await deps.accountDeletions.get(uid);
  if (!record) return;
  const mark = async (patch: Partial<AccountDeletionRecord>) => {
    await deps.accountDeletions.update(uid, patch);
    record = { ...record!, ...patch };
  };
  for (;;) {
    const step = nextAccountDeletionStep(record);
    switch (step.kind) {
      case "deleteInstances": {
        const ids = await deps.accountDeletions.instanceIds(uid);
        // Each logout is bounded (LOGOUT_BOUND_MS): in parallel, the step is bounded too.
        await Promise.all(
          ids.map((id) =>
            deleteInstance(deps.instanceDeps, uid, id).catch((error: unknown) => {
              // Deleted meanwhile (an earlier run, a concurrent request): done.
              if (!(error instanceof ApiError && error.code === "NOT_FOUND")) throw error;
            }),
          ),
        );
        await mark({ instancesDeletedAt: deps.clock.now() });
        break;
      }
      case "eraseDocuments":
        await deps.accountDeletions.eraseDocuments(uid);
        await mark({ documentsErasedAt: deps.clock.now() });
        break;
      case "deleteAuthUser":
        await deps.deleteAuthUser(uid);
        await mark({ authUserDeletedAt: deps.clock.now() });
        break;
      case "finish":
        await deps.accountDeletions.remove(uid);
        return;
    }
  }
}
