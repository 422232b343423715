import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join, relative } from "node:path";
import { describe, test } from "node:test";
import { fileURLToPath, pathToFileURL } from "node:url";
import ts from "typescript";
import { TTL_COLLECTION_GROUPS, TTL_FIELD } from "../../infra/src/firestore.ts";
import { ENCRYPTED_FIELDS } from "../src/core/encryptedFields.js";
import type { KeyRing } from "../src/core/ports/keyRing.js";
import type { Cell } from "../src/core/ports/runtime.js";
import { type IndexSpec, singleFieldModes, verdict } from "./support/firestoreIndexRules.js";
import { type CallSite, type QueryShape, recordingFirestore } from "./support/recordingFirestore.js";

// Every Firestore query the functions run has an index that deploys with them (DESIGN §5):
// 1. Every exported function in functions/src that takes a Firestore (the stores, cellCounts) is
//    run against a recording Firestore, every method of what it returns included, so the query
//    shapes come from the code, not from a list kept by hand.
// 2. A static scan finds every query-building call (.where, .orderBy, .collectionGroup, .limit,
//    .count, cursors…) in functions/src and fails unless step 1 ran it, so a new query cannot be
//    forgotten: give its function sample arguments below until it runs.
// 3. Each shape must be served by Firestore's automatic indexes or by firestore.indexes.json
//    (the file `firebase deploy --only firestore` deploys), judged by firestoreIndexRules.ts.

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const SOURCE = join(ROOT, "functions/src");
const INDEX_FILE = join(ROOT, "firestore.indexes.json");
const spec = JSON.parse(readFileSync(INDEX_FILE, "utf8")) as IndexSpec;

// ---- 1. run every Firestore-taking function against the recorder ---------------------------------

const keyRing: KeyRing = (() => {
  const key = randomBytes(32);
  return { current: async () => ({ version: 1, key }), get: async (v) => (v === 1 ? key : undefined) };
})();
const cells: Cell[] = [
  { id: "cell-a", projectId: "p", region: "europe-west1", capacity: 10 },
  { id: "cell-b", projectId: "p", region: "europe-west1", capacity: 10 },
];

/** Arguments by parameter type, for the Firestore-taking functions themselves. */
const BY_TYPE: Record<string, (db: unknown) => unknown> = {
  Firestore: (db) => db,
  KeyRing: () => keyRing,
  "Cell[]": () => cells,
};
const PAGE = { pageNumber: 2, pageSize: 3 };
const DEFAULT_ARGS = ["acct-1", "inst-1", "x-1"];
/** Argument lists for methods whose queries the default arguments do not reach. */
const METHOD_ARGS: Record<string, unknown[][]> = {
  "firestoreAccountStore.listAudit": [["acct-1", 20]],
  "firestoreInstanceStore.list": [["acct-1", PAGE]],
  "firestoreSubscriptionStore.list": [["acct-1", PAGE]],
  // Every combination of the change log's filters (GET /account/subscriptions/{id}/changes).
  "firestoreSubscriptionStore.listChanges": [
    {},
    { changeType: "instance_added" },
    { instanceId: "inst-1" },
    { changeType: "instance_added", instanceId: "inst-1" },
  ].flatMap((filter) =>
    [{}, { timestampFrom: 1 }, { timestampTo: 2 }, { timestampFrom: 1, timestampTo: 2 }].map((range) => [
      "acct-1",
      "sub-1",
      { ...filter, ...range },
      PAGE,
    ]),
  ),
  "firestoreDeliveryStore.list": [["acct-1", "inst-1", PAGE]],
  "firestoreDeliveryStore.deleteInstanceData": [["acct-1", "inst-1", 50]],
  "firestoreMessageTimelineStore.deleteInstance": [["acct-1", "inst-1", 50]],
  // The re-encryption job lists every encrypted collection.
  "firestoreCiphertextStore.list": ENCRYPTED_FIELDS.map((f) => [f.collection, f.field]),
};

interface Entry {
  file: string;
  name: string;
  paramTypes: string[];
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith(".ts") ? [path] : [];
  });
}

const parsed = sourceFiles(SOURCE).map((path) => ({
  file: relative(ROOT, path),
  source: ts.createSourceFile(path, readFileSync(path, "utf8"), ts.ScriptTarget.Latest, true),
}));

/** Exported functions of functions/src with a parameter of type Firestore. */
function firestoreEntries(): Entry[] {
  const entries: Entry[] = [];
  for (const { file, source } of parsed) {
    for (const statement of source.statements) {
      if (!ts.isFunctionDeclaration(statement) || !statement.name) continue;
      if (!statement.modifiers?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword)) continue;
      const paramTypes = statement.parameters.map((p) => p.type?.getText(source) ?? "?");
      if (paramTypes.includes("Firestore")) entries.push({ file, name: statement.name.text, paramTypes });
    }
  }
  return entries;
}

async function drain(result: unknown) {
  if (result && typeof result === "object" && Symbol.asyncIterator in result) {
    for await (const _ of result as AsyncIterable<unknown>);
    return;
  }
  await result;
}

/** Runs every entry and every method of what it returns; errors from made-up data are expected. */
async function exercise(entries: Entry[]) {
  const recording = recordingFirestore();
  for (const entry of entries) {
    const module = (await import(pathToFileURL(join(ROOT, entry.file)).href)) as Record<
      string,
      (...args: unknown[]) => unknown
    >;
    const args = entry.paramTypes.map((type) => {
      const make = BY_TYPE[type];
      if (!make) throw new Error(`${entry.file} ${entry.name}: add a sample for parameter type ${type}`);
      return make(recording.db);
    });
    let made: unknown;
    try {
      made = await module[entry.name]!(...args);
    } catch {
      continue;
    }
    if (!made || typeof made !== "object") continue;
    for (const [method, fn] of Object.entries(made)) {
      if (typeof fn !== "function") continue;
      for (const methodArgs of METHOD_ARGS[`${entry.name}.${method}`] ?? [DEFAULT_ARGS]) {
        try {
          await drain(fn.apply(made, methodArgs));
        } catch {
          // Made-up inputs make some methods fail after (or without) their queries; step 2
          // catches a query that never ran.
        }
      }
    }
  }
  return recording;
}

// ---- 2. static scan for query-building calls ------------------------------------------------------

const QUERY_METHODS = new Set([
  "where",
  "orderBy",
  "collectionGroup",
  "limit",
  "limitToLast",
  "offset",
  "startAt",
  "startAfter",
  "endAt",
  "endBefore",
  "select",
  "count",
  "aggregate",
  "findNearest",
  "listDocuments",
  "listCollections",
  "stream",
  "onSnapshot",
]);
/** A call on a line carrying this comment is not a Firestore query (e.g. an array's .count). */
const NOT_A_QUERY = "not a Firestore query";

function queryCallSites(files: { file: string; source: ts.SourceFile }[]): CallSite[] {
  const sites: CallSite[] = [];
  for (const { file, source } of files) {
    const lines = source.getFullText().split("\n");
    const visit = (node: ts.Node) => {
      if (
        ts.isCallExpression(node) &&
        ts.isPropertyAccessExpression(node.expression) &&
        QUERY_METHODS.has(node.expression.name.text)
      ) {
        const line = source.getLineAndCharacterOfPosition(node.expression.name.getStart(source)).line + 1;
        if (!lines[line - 1]!.includes(NOT_A_QUERY)) {
          sites.push({ file, line, method: node.expression.name.text });
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return sites;
}

const key = (site: CallSite) => `${site.file}:${site.line} .${site.method}(`;

function unexercised(declared: CallSite[], ran: CallSite[]): string[] {
  const seen = new Set(ran.map(key));
  return declared.map(key).filter((site) => !seen.has(site));
}

// ---- the tests ------------------------------------------------------------------------------------

const describeShape = (s: QueryShape) =>
  `${s.scope === "COLLECTION_GROUP" ? "collectionGroup" : "collection"} ${s.path}` +
  (s.filters.length ? ` where ${s.filters.map((f) => `${f.field} ${f.op}`).join(", ")}` : "") +
  (s.orderBy.length ? ` orderBy ${s.orderBy.map((o) => `${o.field} ${o.direction}`).join(", ")}` : "") +
  (s.aggregate ? ` .${s.aggregate}()` : "");

function distinctShapes(shapes: QueryShape[]) {
  const byShape = new Map<string, QueryShape & { sites: Set<string> }>();
  for (const shape of shapes) {
    const id = describeShape(shape);
    const known = byShape.get(id) ?? { ...shape, sites: new Set<string>() };
    known.sites.add(shape.site);
    byShape.set(id, known);
  }
  return [...byShape.entries()];
}

describe("every Firestore query the functions run has a deployed index", async () => {
  const entries = firestoreEntries();
  const recording = await exercise(entries);
  const shapes = distinctShapes(recording.shapes);

  test("the functions taking a Firestore are found and run", (t) => {
    t.diagnostic(entries.map((e) => `${e.file} ${e.name}`).join("; "));
    assert.ok(entries.some((e) => e.name === "chooseCell"));
    assert.ok(entries.some((e) => e.name === "firestoreInstanceStore"));
    assert.ok(shapes.length > 0);
  });

  test("every query-building call in functions/src ran against the recorder", () => {
    const declared = queryCallSites(parsed);
    assert.ok(declared.length > 0);
    assert.deepEqual(
      unexercised(declared, recording.sites),
      [],
      "these query calls never ran: give the function that builds them sample arguments in METHOD_ARGS/BY_TYPE",
    );
  });

  test("each query shape is served by an automatic index or firestore.indexes.json", (t) => {
    const failures: string[] = [];
    for (const [id, shape] of shapes) {
      const result = verdict(shape, spec);
      t.diagnostic(`${id} — ${result.ok ? result.servedBy : "NO INDEX"} (${[...shape.sites].join(", ")})`);
      if (!result.ok) failures.push(`${result.reason}; add ${JSON.stringify(result.needs)}`);
    }
    assert.deepEqual(failures, []);
  });

  test("no query needs a collection-group index (none are declared; keep it that way or declare one)", () => {
    assert.deepEqual(
      shapes.filter(([, s]) => s.scope === "COLLECTION_GROUP").map(([id]) => id),
      [],
    );
  });
});

describe("firestore.indexes.json", () => {
  test("is what firebase deploy accepts (firebase-tools' own validator)", () => {
    const require = createRequire(import.meta.url);
    const { FirestoreApi } = require("firebase-tools/lib/firestore/api.js") as {
      FirestoreApi: new () => { upgradeOldSpec(s: unknown): unknown; validateSpec(s: unknown): void };
    };
    const api = new FirestoreApi();
    api.validateSpec(api.upgradeOldSpec(spec));
  });

  test("firebase.json deploys it with the rules", () => {
    const firebase = JSON.parse(readFileSync(join(ROOT, "firebase.json"), "utf8"));
    assert.equal(firebase.firestore.indexes, "firestore.indexes.json");
  });

  test("TTL fields match infra: exactly its collection groups, TTL on, not indexed", () => {
    const ttl = (spec.fieldOverrides ?? []).filter((o) => o.ttl);
    assert.deepEqual(ttl.map((o) => o.collectionGroup).sort(), [...TTL_COLLECTION_GROUPS].sort());
    for (const override of ttl) {
      assert.equal(override.fieldPath, TTL_FIELD);
      // infra/src/firestore.ts sets indexConfig {}: no index on a monotonic timestamp. An override
      // without `ttl` would turn TTL off when deployed, and a missing one would be deleted by
      // `firebase deploy --force` along with its TTL policy.
      assert.deepEqual(override.indexes, []);
    }
    for (const group of TTL_COLLECTION_GROUPS) {
      assert.deepEqual(singleFieldModes(spec, group, TTL_FIELD, "COLLECTION"), []);
    }
  });
});

// ---- proof that the checks can fail ---------------------------------------------------------------

const shape = (partial: Partial<QueryShape>): QueryShape => ({
  scope: "COLLECTION",
  collectionGroup: "things",
  path: "things",
  filters: [],
  orderBy: [],
  site: "test",
  ...partial,
});
const without = (collectionGroup: string, fieldPath: string): IndexSpec => ({
  ...spec,
  fieldOverrides: (spec.fieldOverrides ?? []).filter(
    (o) => !(o.collectionGroup === collectionGroup && o.fieldPath === fieldPath),
  ),
});

describe("the index rules", () => {
  test("the old cell count (collection group on instances.runtime.cellId) has no index", () => {
    const old = shape({
      scope: "COLLECTION_GROUP",
      collectionGroup: "instances",
      path: "**/instances",
      filters: [{ field: "runtime.cellId", op: "==" }],
      aggregate: "count",
    });
    const result = verdict(old, spec);
    assert.equal(result.ok, false);
    const declared: IndexSpec = {
      ...spec,
      fieldOverrides: [
        ...(spec.fieldOverrides ?? []),
        {
          collectionGroup: "instances",
          fieldPath: "runtime.cellId",
          indexes: [
            { order: "ASCENDING", queryScope: "COLLECTION" },
            { order: "DESCENDING", queryScope: "COLLECTION" },
            { order: "ASCENDING", queryScope: "COLLECTION_GROUP" },
          ],
        },
      ],
    };
    assert.equal(verdict(old, declared).ok, true);
  });

  test("a query missing from a copy of the index file fails; adding its composite index passes", () => {
    const query = shape({
      filters: [{ field: "state", op: "==" }],
      orderBy: [{ field: "createdAt", direction: "DESCENDING" }],
    });
    const result = verdict(query, spec);
    assert.equal(result.ok, false);
    assert.match(result.ok ? "" : result.reason, /composite index on state ASCENDING, createdAt DESCENDING/);
    const withIndex: IndexSpec = {
      ...spec,
      indexes: [
        {
          collectionGroup: "things",
          queryScope: "COLLECTION",
          fields: [
            { fieldPath: "state", order: "ASCENDING" },
            { fieldPath: "createdAt", order: "DESCENDING" },
          ],
        },
      ],
    };
    assert.equal(verdict(query, withIndex).ok, true);
    // The wrong direction, scope or collection group does not serve it.
    const wrongDirection = structuredClone(withIndex);
    wrongDirection.indexes[0]!.fields[1]!.order = "ASCENDING";
    assert.equal(verdict(query, wrongDirection).ok, false);
    const wrongScope = structuredClone(withIndex);
    wrongScope.indexes[0]!.queryScope = "COLLECTION_GROUP";
    assert.equal(verdict(query, wrongScope).ok, false);
  });

  test("inequality on one field ordered by another needs a composite index", () => {
    const query = shape({
      filters: [{ field: "attempts", op: ">" }],
      orderBy: [{ field: "createdAt", direction: "ASCENDING" }],
    });
    assert.equal(verdict(query, spec).ok, false);
  });

  test("automatic indexes: one field, equalities merged, __name__ free", () => {
    assert.equal(
      verdict(shape({ orderBy: [{ field: "createdAt", direction: "DESCENDING" }] }), spec).ok,
      true,
    );
    assert.equal(verdict(shape({ filters: [{ field: "n", op: ">=" }] }), spec).ok, true);
    const twoEqualities = shape({
      filters: [
        { field: "a", op: "==" },
        { field: "b", op: "array-contains" },
      ],
    });
    assert.equal(verdict(twoEqualities, spec).ok, true);
    assert.equal(verdict(shape({ orderBy: [{ field: "__name__", direction: "ASCENDING" }] }), spec).ok, true);
  });

  test("an exempted field cannot serve a query: ordering deliveries by expireAt fails", () => {
    const byExpiry = shape({
      collectionGroup: "deliveries",
      orderBy: [{ field: "expireAt", direction: "ASCENDING" }],
    });
    assert.equal(verdict(byExpiry, spec).ok, false);
    assert.equal(verdict(byExpiry, without("deliveries", "expireAt")).ok, true);
  });

  test("a map field's override applies to its subfields; a subfield's own override wins", () => {
    const query = shape({ filters: [{ field: "runtime.cellId", op: "==" }] });
    const exemptMap: IndexSpec = {
      indexes: [],
      fieldOverrides: [{ collectionGroup: "things", fieldPath: "runtime", indexes: [] }],
    };
    assert.equal(verdict(query, exemptMap).ok, false);
    exemptMap.fieldOverrides!.push({
      collectionGroup: "things",
      fieldPath: "runtime.cellId",
      indexes: [{ order: "ASCENDING" }],
    });
    assert.equal(verdict(query, exemptMap).ok, true);
  });

  test("the static scan reports a query that the recorder never ran", () => {
    const code = [
      "export async function f(db) {",
      "  const ok = await db.collection('a').orderBy('x').get();",
      "  return db.collection('b')",
      "    .where('y', '==', 1) // the new, forgotten query",
      "    .get();",
      "}",
      "const n = list.count(); // not a Firestore query",
    ].join("\n");
    const file = {
      file: "functions/src/new.ts",
      source: ts.createSourceFile("new.ts", code, ts.ScriptTarget.Latest, true),
    };
    const declared = queryCallSites([file]);
    assert.deepEqual(declared.map(key), [
      "functions/src/new.ts:2 .orderBy(",
      "functions/src/new.ts:4 .where(",
    ]);
    assert.deepEqual(unexercised(declared, [{ file: "functions/src/new.ts", line: 2, method: "orderBy" }]), [
      "functions/src/new.ts:4 .where(",
    ]);
  });
});
