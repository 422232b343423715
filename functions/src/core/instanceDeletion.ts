import type { Clock } from "./ports/clock.js";
import type { InstanceDeletionStore } from "./ports/instances.js";
import type { Cell, InstanceRuntime } from "./ports/runtime.js";

// Deleting an instance really deletes it, as one resumable job keyed by the runtime id.
//
// 1. The request (gateway or dashboard), in one transaction: the instance document, its API key,
//    its secrets (runtime secret, webhook secrets) and its runtimes index entry go, and the job's
//    record instanceDeletions/{runtimeId} is written. The key is refused at once on this server
//    (its verification cache forgets it) and within 5 s everywhere; the instance's own calls to
//    the control plane (events, session state) are refused from that commit on.
// 2. The request then asks the running instance to log its device out (bounded: LOGOUT_BOUND_MS),
//    so the phone shows it unlinked, records the outcome and queues the teardown task.
// 3. The teardown task (retried by Cloud Tasks; resumed by the reconciler if it was never queued)
//    removes the runtime, the encrypted WhatsApp session state and the delivery data (deliveries,
//    attempts, held payloads, endpoint records, the event log, the hourly stats), sweeps once more
//    after in-flight writers settled and removes the record. Every step is idempotent and recorded,
//    and which step comes next is a pure decision (nextTeardownStep) on the record, as for webhook
//    deliveries.
//
// A device that cannot be logged out (crashed or unreachable instance): its credentials are
// destroyed with the session state, so the link is dead; the phone keeps listing it until the
// user removes it under Linked devices (WhatsApp also drops companion devices that stay offline).
// The outcome is in the record while the job runs and in the account's audit log.
export const INSTANCE_DELETIONS = "instanceDeletions";

/** How long the request waits for the instance to log its device out. */
export const LOGOUT_BOUND_MS = 8_000;
/** The task waits this long from the request for its logout outcome before going on without it. */
export const LOGOUT_GRACE_MS = 20_000;
/**
 * Writers that passed their checks before the deletion committed (an event ingest, a webhook
 * attempt that is POSTing, bounded at 15 s) may still write for a moment: the job sweeps the
 * instance's delivery data once more after this long.
 */
export const SETTLE_MS = 20_000;
/** The reconciler resumes a job whose task seems lost after this long. */
export const RESUME_AFTER_MS = 2 * 60_000;
/** Documents deleted per batch of the delivery data sweep. */
const SWEEP_PAGE = 100;

export type LogoutOutcome =
  /** The device was unlinked on the phone. */
  | "logged_out"
  /** No device was linked. */
  | "not_paired"
  /** The runtime was not running, did not answer in time, or refused: the device stays listed. */
  | "unreachable";

export interface DeletionRecord {
  runtimeId: string;
  accountId: string;
  instanceId: string;
  cellId?: string;
  requestedAt: number;
  logout?: LogoutOutcome;
  runtimeRemovedAt?: number;
  sessionStateDeletedAt?: number;
  deliveryDataDeletedAt?: number;
}

type TeardownStep =
  | { kind: "wait"; until: number; why: string }
  | { kind: "removeRuntime" }
  | { kind: "deleteSessionState" }
  | { kind: "deleteDeliveryData" }
  /** The final sweep after the settle time, then the record itself goes. */
  | { kind: "finish" };

/** The next step of a deletion job, from its record alone. */
export function nextTeardownStep(record: DeletionRecord, now: number): TeardownStep {
  // The logout needs the runtime: never remove it while the request may still be logging out.
  if (!record.logout && now < record.requestedAt + LOGOUT_GRACE_MS) {
    return { kind: "wait", until: record.requestedAt + LOGOUT_GRACE_MS, why: "logout in progress" };
  }
  if (record.runtimeRemovedAt === undefined) return { kind: "removeRuntime" };
  if (record.sessionStateDeletedAt === undefined) return { kind: "deleteSessionState" };
  if (record.deliveryDataDeletedAt === undefined) return { kind: "deleteDeliveryData" };
  if (now < record.requestedAt + SETTLE_MS) {
    return { kind: "wait", until: record.requestedAt + SETTLE_MS, why: "in-flight writers settling" };
  }
  return { kind: "finish" };
}

/** Whether the reconciler should run a job itself (its task is overdue). */
export const isStalled = (record: DeletionRecord, now: number) => now >= record.requestedAt + RESUME_AFTER_MS;

interface TeardownDeps {
  deletions: InstanceDeletionStore;
  runtime: InstanceRuntime;
  cells: Cell[];
  clock: Clock;
  sleep: (ms: number) => Promise<void>;
}

/** Thrown so that Cloud Tasks runs the teardown again later. */
class TeardownPendingError extends Error {
  constructor(runtimeId: string, why: string) {
    super(`teardown of ${runtimeId} waits: ${why}`);
    this.name = "TeardownPendingError";
  }
}

const LOGOUT_POLL_MS = 1_000;
/** A task never sleeps longer than this; beyond it, it fails and Cloud Tasks retries it. */
const MAX_TEARDOWN_WAIT_MS = 40_000;

async function sweepDeliveryData(deps: TeardownDeps, record: DeletionRecord) {
  while ((await deps.deletions.deleteDeliveryData(record.accountId, record.instanceId, SWEEP_PAGE)) > 0);
}

/**
 * Runs (or resumes) the deletion job of one runtime to its end. Without a record there is nothing
 * left but possibly the runtime itself (a job already finished, or a task queued before jobs had
 * records): removing it again is harmless.
 */
export async function runTeardown(deps: TeardownDeps, runtimeId: string, cellId?: string) {
  const cellOf = (id?: string) => deps.cells.find((cell) => cell.id === id);
  let record = await deps.deletions.get(runtimeId);
  if (!record) return deps.runtime.remove(runtimeId, cellOf(cellId));
  for (;;) {
    const now = deps.clock.now();
    const step = nextTeardownStep(record, now);
    const mark = async (patch: Partial<DeletionRecord>) => {
      await deps.deletions.update(runtimeId, patch);
      record = { ...record!, ...patch };
    };
    switch (step.kind) {
      case "wait": {
        if (step.until - now > MAX_TEARDOWN_WAIT_MS) throw new TeardownPendingError(runtimeId, step.why);
        // Waiting on the logout polls its record (the request writes the outcome); settling just sleeps.
        const polling = !record.logout;
        await deps.sleep(polling ? Math.min(step.until - now, LOGOUT_POLL_MS) : step.until - now);
        if (polling) {
          const fresh = await deps.deletions.get(runtimeId);
          if (!fresh) return;
          record = fresh;
        }
        break;
      }
      case "removeRuntime":
        await deps.runtime.remove(runtimeId, cellOf(record.cellId ?? cellId));
        // No outcome by now: the request died or never got an answer; the device was not logged out.
        await mark({
          runtimeRemovedAt: deps.clock.now(),
          ...(record.logout ? {} : { logout: "unreachable" }),
        });
        break;
      case "deleteSessionState":
        await deps.deletions.deleteSessionState(runtimeId);
        await mark({ sessionStateDeletedAt: deps.clock.now() });
        break;
      case "deleteDeliveryData":
        await sweepDeliveryData(deps, record);
        await mark({ deliveryDataDeletedAt: deps.clock.now() });
        break;
      case "finish":
        await sweepDeliveryData(deps, record);
        await deps.deletions.deleteSessionState(runtimeId);
        await deps.deletions.remove(runtimeId);
        return;
    }
  }
}
