// Transaction isolation for @firestore-emulator/server, as a subclass of its service so it can go
// upstream as a patch. Upstream returns one constant transaction id and applies commit writes one
// by one, so concurrent read-modify-write transactions silently lose updates.
// Model (production Firestore with server SDKs): each read-write transaction gets a real id; its
// reads take exclusive per-document locks held until Commit/Rollback; every commit locks what it
// writes and applies all writes or none. A lock wait past `lockTimeoutMs` ends the transaction:
// its Commit answers ABORTED (gRPC 10) and the SDK retries it.
import { randomBytes } from "node:crypto";
import type { FirestoreState } from "@firestore-emulator/server";
import type { FirestoreServiceV1Impl } from "@firestore-emulator/server/dist/server/FirestoreServiceV1Impl/index.js";
import { status } from "@grpc/grpc-js";

export type ServiceClass = typeof FirestoreServiceV1Impl;
type Args<K extends "BeginTransaction" | "Commit" | "Rollback"> = Parameters<FirestoreServiceV1Impl[K]>;
type GetCall = Parameters<FirestoreServiceV1Impl["BatchGetDocuments"]>[0];
type QueryCall = Parameters<FirestoreServiceV1Impl["RunQuery"]>[0];
type AggCall = Parameters<FirestoreServiceV1Impl["RunAggregationQuery"]>[0];
type BeginArgs = Args<"BeginTransaction">;
type TxOptions = BeginArgs[0]["request"]["options"];
type Write = Args<"Commit">[0]["request"]["writes"][number];
type Doc = ReturnType<FirestoreState["getDocument"]>;
// `fields` is TS-private upstream; metadata and fields are immutable (immer), so references are snapshots.
type DocState = { metadata: Doc["metadata"]; fields: unknown };
type Saved = readonly [Doc, Doc["metadata"], unknown];

export interface IsolationOptions {
  /** How long a request waits for a document lock before the transaction is ABORTED. */
  lockTimeoutMs?: number;
  /** Transactions idle this long are expired and release their locks (Firestore: 60 s). */
  idleTimeoutMs?: number;
}

interface Owner {
  held: Set<string>;
  dead: boolean;
}
interface Tx extends Owner {
  id: Uint8Array;
  key: string;
  readOnly: boolean;
  timer: NodeJS.Timeout;
}
interface Waiter {
  owner: Owner;
  settle(granted: boolean): void;
}

/** Exclusive, re-entrant, FIFO per-document locks. */
class LockTable {
  readonly #locks = new Map<string, { owner: Owner; queue: Waiter[] }>();

  acquire(owner: Owner, path: string, timeoutMs: number): Promise<boolean> {
    const lock = this.#locks.get(path);
    if (!lock) {
      this.#locks.set(path, { owner, queue: [] });
      owner.held.add(path);
      return Promise.resolve(true);
    }
    if (lock.owner === owner) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        lock.queue.splice(lock.queue.indexOf(waiter), 1);
        resolve(false);
      }, timeoutMs);
      const waiter: Waiter = {
        owner,
        settle: (granted) => {
          clearTimeout(timer);
          resolve(granted);
        },
      };
      lock.queue.push(waiter);
    });
  }

  releaseAll(owner: Owner): void {
    for (const path of owner.held) {
      const lock = this.#locks.get(path)!;
      let next = lock.queue.shift();
      // Waiters whose transaction already died (aborted/expired) must not inherit the lock.
      while (next?.owner.dead) {
        next.settle(false);
        next = lock.queue.shift();
      }
      if (!next) {
        this.#locks.delete(path);
        continue;
      }
      lock.owner = next.owner;
      next.owner.held.add(path);
      next.settle(true);
    }
    owner.held.clear();
  }
}

const grpcError = (code: status, details: string) => Object.assign(new Error(details), { code, details });
const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString("hex");
const pathOf = (w: Write) => (w.has_delete ? w.delete : w.has_update ? w.update.name : w.transform.document);
const millis = (ts: { seconds: number; nanos: number }) => ts.seconds * 1000 + Math.floor(ts.nanos / 1e6);

/** Replaces the placeholder transaction id upstream writes into read responses with ours. */
function stampTransaction(call: { write(msg: { transaction?: Uint8Array }): boolean }, id: Uint8Array) {
  const write = call.write.bind(call);
  call.write = (msg) => {
    if (msg.transaction?.length) msg.transaction = id;
    return write(msg);
  };
}

export function withIsolation(Base: ServiceClass, opts: IsolationOptions = {}): ServiceClass {
  const lockTimeoutMs = opts.lockTimeoutMs ?? 5000;
  const idleTimeoutMs = opts.idleTimeoutMs ?? 60_000;

  return class IsolatedFirestoreService extends Base {
    readonly #store: FirestoreState;
    readonly #locks = new LockTable();
    readonly #txs = new Map<string, Tx>();

    constructor(state: FirestoreState) {
      super(state);
      this.#store = state;
    }

    override BeginTransaction(call: BeginArgs[0], callback: BeginArgs[1]): void {
      const tx = this.#begin(call.request.has_options ? call.request.options : undefined);
      super.BeginTransaction(call, (err, res) => {
        if (res) res.transaction = tx.id;
        callback(err, res);
      });
    }

    override Rollback(call: Args<"Rollback">[0], callback: Args<"Rollback">[1]): void {
      const tx = this.#txs.get(hex(call.request.transaction));
      if (tx) this.#finish(tx);
      super.Rollback(call, callback);
    }

    override BatchGetDocuments(call: GetCall): void {
      const paths = () => [...call.request.documents];
      this.#read(call, paths, () => super.BatchGetDocuments(call));
    }

    override RunQuery(call: QueryCall): void {
      const paths = () => this.#queryPaths(call.request.parent, call.request.structured_query);
      this.#read(call, paths, () => super.RunQuery(call));
    }

    override RunAggregationQuery(call: AggCall): void {
      const { parent, structured_aggregation_query: agg } = call.request;
      const paths = () => this.#queryPaths(parent, agg.structured_query);
      this.#read(call, paths, () => super.RunAggregationQuery(call));
    }

    override Commit(call: Args<"Commit">[0], callback: Args<"Commit">[1]): void {
      const { transaction, writes } = call.request;
      const tx = transaction.length > 0 ? this.#txs.get(hex(transaction)) : undefined;
      if (transaction.length > 0 && (!tx || tx.readOnly)) {
        callback(grpcError(status.ABORTED, "transaction is not active (aborted, expired or read-only)"));
        return;
      }
      const owner: Owner = tx ?? { held: new Set(), dead: false };
      const paths = writes.map(pathOf);
      // Runs with every written document locked, so the check-then-apply below cannot interleave.
      const apply = () => {
        const failed = this.#precheck(writes);
        if (failed) return callback(failed);
        const docs = paths.map((p) => this.#store.getDocument(p));
        const saved = docs.map((d): Saved => [d, d.metadata, (d as unknown as DocState).fields]);
        super.Commit(call, (err, res) => {
          if (err) this.#restore(saved);
          callback(err, res);
        });
      };
      this.#lockThenRun(owner, () => paths, apply)
        .then(
          (ran) => ran || callback(grpcError(status.ABORTED, "lock wait timed out; retry the transaction")),
        )
        .catch((err: unknown) => callback(grpcError(status.INTERNAL, String(err))))
        .finally(() => this.#finish(owner));
    }

    /** Locks the documents a transactional read will return, then runs the upstream handler. */
    #read(call: GetCall | QueryCall | AggCall, paths: () => string[], run: () => void): void {
      const selector = call.request.consistency_selector;
      const tx =
        selector === "new_transaction"
          ? this.#begin(call.request.new_transaction)
          : selector === "transaction"
            ? this.#txs.get(hex(call.request.transaction))
            : undefined;
      if (selector === "new_transaction") stampTransaction(call, tx!.id);
      tx?.timer.refresh();
      // Reads never fail for lock reasons: the SDK stalls ~6 s retrying a read stream that errors
      // before its first message. A transaction that timed out (or is unknown) still reads without
      // locks; it was finished, so its Commit answers ABORTED and the SDK retries promptly.
      if (!tx || tx.readOnly || tx.dead) {
        run();
        return;
      }
      this.#lockThenRun(tx, paths, run)
        .then((ran) => {
          if (ran) return;
          this.#finish(tx);
          run();
        })
        .catch((err: unknown) => {
          this.#finish(tx);
          call.emit("error", grpcError(status.INTERNAL, String(err)));
        });
    }

    /**
     * Acquires locks until `paths()` is fully covered, then calls `run` in the same tick so no
     * other commit can slip in between the last check and the upstream handler.
     */
    async #lockThenRun(owner: Owner, paths: () => string[], run: () => void): Promise<boolean> {
      for (;;) {
        const missing = [...new Set(paths())].filter((p) => !owner.held.has(p)).sort();
        if (owner.dead) return false;
        if (missing.length === 0) {
          run();
          return true;
        }
        // Sorted acquisition keeps two multi-document requests from deadlocking each other.
        for (const path of missing) {
          if (!(await this.#locks.acquire(owner, path, lockTimeoutMs))) return false;
        }
      }
    }

    #queryPaths(parent: string, query: QueryCall["request"]["structured_query"]): string[] {
      return this.#store.v1Query(parent, query).map((d) => d.getPath());
    }

    #begin(options: TxOptions | undefined): Tx {
      const id = new Uint8Array(randomBytes(16));
      const tx: Tx = {
        id,
        key: hex(id),
        held: new Set(),
        dead: false,
        readOnly: options?.mode === "read_only",
        timer: setTimeout(() => this.#finish(tx), idleTimeoutMs).unref(),
      };
      this.#txs.set(tx.key, tx);
      // A retry supersedes its previous attempt; free its locks without waiting for the Rollback.
      const previous = options?.has_read_write ? options.read_write.retry_transaction : undefined;
      const stale = previous?.length ? this.#txs.get(hex(previous)) : undefined;
      if (stale) this.#finish(stale);
      return tx;
    }

    #finish(owner: Owner): void {
      owner.dead = true;
      this.#locks.releaseAll(owner);
      if ("key" in owner) {
        const tx = owner as Tx;
        clearTimeout(tx.timer);
        this.#txs.delete(tx.key);
      }
    }

    /** Checks every precondition up front (in write order) so a failing commit applies nothing. */
    #precheck(writes: Write[]): Error | undefined {
      const exists = new Map<string, boolean>();
      for (const w of writes) {
        const path = pathOf(w);
        const doc = this.#store.getDocument(path);
        const had = exists.get(path) ?? doc.metadata.hasExist;
        const pre = w.has_current_document ? w.current_document : undefined;
        if (pre?.has_exists && pre.exists !== had) {
          return pre.exists
            ? grpcError(status.NOT_FOUND, `no entity to update: ${path}`)
            : grpcError(status.ALREADY_EXISTS, `entity already exists: ${path}`);
        }
        if (pre?.has_update_time) {
          const current = exists.has(path) ? undefined : doc.metadata.updatedAt?.getTime();
          if (!had || current !== millis(pre.update_time)) {
            return grpcError(status.FAILED_PRECONDITION, `update_time precondition failed: ${path}`);
          }
        }
        exists.set(path, !w.has_delete);
      }
      return undefined;
    }

    /** Undoes a partially applied commit (upstream writes one document at a time). */
    #restore(saved: Saved[]): void {
      for (const [doc, metadata, fields] of saved.reverse()) {
        Object.assign(doc as unknown as DocState, { metadata, fields });
        this.#store.emitter.emit(metadata.hasExist ? "update-document" : "delete-document", {
          document: doc,
        });
      }
    }
  };
}
