import { fileURLToPath } from "node:url";
import type { Firestore } from "firebase-admin/firestore";

// A stand-in for the small part of the firebase-admin Firestore API the stores use. It records the
// shape of every query run (what decides which index serves it) and where in functions/src each
// query-building call was made, and answers with made-up results: a full page for a query with a
// limit (so paging loops reach their cursor; below a made-up document other than the first, an empty
// one), an empty page after a cursor, documents that do not
// exist for document reads, and a count of 0. Anything it does not model throws, so a new kind
// of query cannot pass unseen.

export type Scope = "COLLECTION" | "COLLECTION_GROUP";
export type Direction = "ASCENDING" | "DESCENDING";

export interface QueryShape {
  scope: Scope;
  /** The collection id the index is declared on (the last segment of the path). */
  collectionGroup: string;
  /** The collection path with document ids as {id}, or `**\/<id>` for a collection group. */
  path: string;
  filters: { field: string; op: string }[];
  orderBy: { field: string; direction: Direction }[];
  aggregate?: "count";
  /** functions/src/…:line of the call that ran the query. */
  site: string;
}

export interface CallSite {
  /** Path relative to the repository root, e.g. functions/src/adapters/cellCounts.ts. */
  file: string;
  line: number;
  method: string;
}

interface Recording {
  db: Firestore;
  shapes: QueryShape[];
  sites: CallSite[];
}

const QUERY = Symbol("query state");
const REPO_ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const SOURCE_DIR = `${REPO_ROOT}functions/src/`;
const FRAME = /\(?((?:file:\/\/)?\/[^():]+\.ts):(\d+):(\d+)\)?$/;

function callSite(method: string): CallSite {
  const frames = new Error().stack?.split("\n").slice(1) ?? [];
  for (const frame of frames) {
    const match = FRAME.exec(frame.trim());
    if (!match) continue;
    const file = match[1]!.startsWith("file://") ? fileURLToPath(match[1]!) : match[1]!;
    if (file.startsWith(SOURCE_DIR)) {
      return { file: file.slice(REPO_ROOT.length), line: Number(match[2]), method };
    }
  }
  return { file: "(outside functions/src)", line: 0, method };
}

const unsupported = (what: string) => () => {
  throw new Error(`recordingFirestore does not model ${what}; extend it and the index rules`);
};

function fieldName(field: unknown): string {
  if (typeof field === "string") return field;
  // FieldPath (e.g. FieldPath.documentId()) formats itself.
  if (field && typeof field === "object" && "toString" in field) return String(field);
  throw new Error(`unsupported field path ${String(field)}`);
}

interface QueryState {
  scope: Scope;
  segments: string[];
  filters: QueryShape["filters"];
  orderBy: QueryShape["orderBy"];
  limit?: number;
  cursor: boolean;
}

export function recordingFirestore(): Recording {
  const shapes: QueryShape[] = [];
  const sites: CallSite[] = [];
  const note = (method: string) => {
    const site = callSite(method);
    sites.push(site);
    return site;
  };

  const pathOf = (segments: string[]) => segments.join("/");
  const patternOf = (state: QueryState) =>
    state.scope === "COLLECTION_GROUP"
      ? `**/${state.segments[0]}`
      : state.segments.map((segment, index) => (index % 2 === 1 ? "{id}" : segment)).join("/");

  function record(state: QueryState, site: CallSite, aggregate?: "count") {
    shapes.push({
      scope: state.scope,
      collectionGroup: state.segments[state.segments.length - 1]!,
      path: patternOf(state),
      filters: [...state.filters],
      orderBy: [...state.orderBy],
      ...(aggregate ? { aggregate } : {}),
      site: `${site.file}:${site.line}`,
    });
  }

  function missingDoc(segments: string[]) {
    return {
      exists: false,
      id: segments[segments.length - 1],
      ref: docRef(segments),
      get: () => undefined,
      data: () => undefined,
    };
  }

  function foundDoc(collection: string[], id: string) {
    return {
      exists: true,
      id,
      ref: docRef([...collection, id]),
      get: (field: unknown) => `${fieldName(field)}-of-${id}`,
      data: () => ({}),
    };
  }

  function docRef(segments: string[]): unknown {
    return {
      id: segments[segments.length - 1],
      path: pathOf(segments),
      get parent() {
        return collectionRef(segments.slice(0, -1));
      },
      collection: (id: string) => collectionRef([...segments, id]),
      get: async () => missingDoc(segments),
      set: async () => undefined,
      create: async () => undefined,
      update: async () => undefined,
      delete: async () => undefined,
      listCollections: unsupported("listCollections"),
    };
  }

  let autoId = 0;
  function collectionRef(segments: string[]): unknown {
    return {
      ...query({ scope: "COLLECTION", segments, filters: [], orderBy: [], cursor: false }),
      id: segments[segments.length - 1],
      path: pathOf(segments),
      doc: (id?: string) => docRef([...segments, id ?? `auto-${++autoId}`]),
      add: async () => docRef([...segments, `auto-${++autoId}`]),
      listDocuments: unsupported("listDocuments"),
    };
  }

  function runQuery(state: QueryState, site: CallSite) {
    record(state, site);
    // Below a made-up document only the first one (doc-0) has subcollections with documents, so
    // nested paging loops (an account's instances' deliveries' attempts) stay a few hundred reads,
    // not 200 × 200 × 200.
    const nested = state.segments.filter((_, index) => index % 2 === 1);
    const underLaterDoc = nested.some((id) => /^doc-[1-9]\d*$/.test(id));
    const size = state.cursor || underLaterDoc ? 0 : Math.min(state.limit ?? 1, 1000);
    const docs = Array.from({ length: size }, (_, index) => foundDoc(state.segments, `doc-${index}`));
    return { docs, size, empty: size === 0, forEach: (fn: (doc: unknown) => void) => docs.forEach(fn) };
  }

  function query(state: QueryState): Record<string, unknown> {
    const next = (patch: Partial<QueryState>) => query({ ...state, ...patch });
    const self: Record<string, unknown> = {
      where(field: unknown, op?: string) {
        note("where");
        if (typeof op !== "string") throw new Error("recordingFirestore does not model Filter objects");
        return next({ filters: [...state.filters, { field: fieldName(field), op }] });
      },
      orderBy(field: unknown, direction: "asc" | "desc" = "asc") {
        note("orderBy");
        const order: QueryShape["orderBy"][number] = {
          field: fieldName(field),
          direction: direction === "desc" ? "DESCENDING" : "ASCENDING",
        };
        return next({ orderBy: [...state.orderBy, order] });
      },
      limit(n: number) {
        note("limit");
        return next({ limit: n });
      },
      offset() {
        note("offset");
        return next({});
      },
      startAfter() {
        note("startAfter");
        return next({ cursor: true });
      },
      startAt() {
        note("startAt");
        return next({ cursor: true });
      },
      endAt() {
        note("endAt");
        return next({});
      },
      endBefore() {
        note("endBefore");
        return next({});
      },
      select() {
        note("select");
        return next({});
      },
      count() {
        const site = note("count");
        return {
          get: async () => {
            record(state, site, "count");
            return { data: () => ({ count: 0 }) };
          },
        };
      },
      get: async () => runQuery(state, callSite("get")),
      limitToLast: unsupported("limitToLast"),
      aggregate: unsupported("aggregate"),
      findNearest: unsupported("findNearest"),
      stream: unsupported("stream"),
      onSnapshot: unsupported("onSnapshot"),
      [QUERY]: state,
    };
    return self;
  }

  const isQuery = (value: unknown): value is { [QUERY]: QueryState } =>
    typeof value === "object" && value !== null && QUERY in value;

  const transaction = {
    async get(target: unknown) {
      if (isQuery(target)) return runQuery(target[QUERY], callSite("get"));
      return (target as { get: () => Promise<unknown> }).get();
    },
    getAll: async (...refs: { get: () => Promise<unknown> }[]) => Promise.all(refs.map((ref) => ref.get())),
    create: () => transaction,
    set: () => transaction,
    update: () => transaction,
    delete: () => transaction,
  };

  const db = {
    collection: (path: string) => collectionRef(path.split("/")),
    collectionGroup(id: string) {
      note("collectionGroup");
      return query({ scope: "COLLECTION_GROUP", segments: [id], filters: [], orderBy: [], cursor: false });
    },
    doc: (path: string) => docRef(path.split("/")),
    getAll: async (...refs: { get: () => Promise<unknown> }[]) => Promise.all(refs.map((ref) => ref.get())),
    runTransaction: async <T>(fn: (tx: typeof transaction) => Promise<T>) => fn(transaction),
    batch() {
      const batch = {
        create: () => batch,
        set: () => batch,
        update: () => batch,
        delete: () => batch,
        commit: async () => [],
      };
      return batch;
    },
    listCollections: unsupported("listCollections"),
    recursiveDelete: unsupported("recursiveDelete"),
    bulkWriter: unsupported("bulkWriter"),
  };
  return { db: db as unknown as Firestore, shapes, sites };
}
