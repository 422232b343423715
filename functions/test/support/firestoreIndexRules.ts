import type { Direction, QueryShape, Scope } from "./recordingFirestore.js";

// Which index serves a query on real Firestore (Standard edition), after
// https://firebase.google.com/docs/firestore/query-data/index-overview:
// - Every field gets automatic single-field indexes (ascending, descending, array-contains) with
//   COLLECTION scope only; COLLECTION_GROUP scope single-field indexes exist only where a
//   fieldOverride declares them. A fieldOverride replaces the automatic settings of its field (and
//   of the subfields of a map field); `indexes: []` exempts the field.
// - A query that uses one field is served by that field's single-field index in its scope.
// - Equality and array-contains filters on several fields, with no ordering and no inequality,
//   are served by merging single-field indexes.
// - Anything else (ordering or inequality plus another field) needs a composite index whose fields
//   are the equality fields first, then the ordering fields in order and direction.
// - Ordering by and filtering on __name__ (the document id) never needs an index of its own.
// Strict where Firestore is lenient (a composite index is matched exactly, never scanned in
// reverse), so a pass here means the query runs.

export interface IndexField {
  fieldPath: string;
  order?: Direction;
  arrayConfig?: "CONTAINS";
}

export interface IndexSpec {
  indexes: { collectionGroup: string; queryScope: Scope; fields: IndexField[] }[];
  fieldOverrides?: {
    collectionGroup: string;
    fieldPath: string;
    ttl?: boolean;
    indexes: { order?: Direction; arrayConfig?: "CONTAINS"; queryScope?: Scope }[];
  }[];
}

type Mode = Direction | "CONTAINS";

export type Verdict =
  | { ok: true; servedBy: string }
  | {
      ok: false;
      reason: string;
      needs: IndexSpec["indexes"][number] | NonNullable<IndexSpec["fieldOverrides"]>[number];
    };

const EQUALITY = new Set(["==", "in"]);
const CONTAINS = new Set(["array-contains", "array-contains-any"]);
const INEQUALITY = new Set(["<", "<=", ">", ">=", "!=", "not-in"]);
const NAME = "__name__";

/** The single-field index modes a field has in a scope, after fieldOverrides. */
export function singleFieldModes(
  spec: IndexSpec,
  collectionGroup: string,
  field: string,
  scope: Scope,
): Mode[] {
  const overrides = (spec.fieldOverrides ?? []).filter((o) => o.collectionGroup === collectionGroup);
  // The override on the field itself, else on its nearest enclosing map field, else on "*".
  const parts = field.split(".");
  const candidates = parts.map((_, index) => parts.slice(0, parts.length - index).join("."));
  const override =
    candidates.map((path) => overrides.find((o) => o.fieldPath === path)).find(Boolean) ??
    overrides.find((o) => o.fieldPath === "*");
  if (!override) return scope === "COLLECTION" ? ["ASCENDING", "DESCENDING", "CONTAINS"] : [];
  return override.indexes
    .filter((index) => (index.queryScope ?? "COLLECTION") === scope)
    .map((index) => (index.arrayConfig ? "CONTAINS" : index.order!));
}

/** Decides whether `spec` (a firestore.indexes.json) serves the query `shape`. */
export function verdict(shape: QueryShape, spec: IndexSpec): Verdict {
  for (const filter of shape.filters) {
    if (!EQUALITY.has(filter.op) && !CONTAINS.has(filter.op) && !INEQUALITY.has(filter.op))
      throw new Error(`unknown filter operator ${filter.op} at ${shape.site}`);
  }
  const filters = shape.filters.filter((f) => f.field !== NAME);
  const equality = filters.filter((f) => EQUALITY.has(f.op)).map((f) => f.field);
  const contains = filters.filter((f) => CONTAINS.has(f.op)).map((f) => f.field);
  const inequality = [...new Set(filters.filter((f) => INEQUALITY.has(f.op)).map((f) => f.field))];
  // Firestore orders by inequality fields it was not told to order by, ascending, after the rest.
  const explicit = shape.orderBy.filter((o) => o.field !== NAME);
  const implicit = inequality
    .filter((field) => !explicit.some((o) => o.field === field))
    .sort()
    .map((field) => ({ field, direction: "ASCENDING" as const }));
  const order = [...explicit, ...implicit];
  const fields = new Set([...equality, ...contains, ...order.map((o) => o.field)]);
  const where = `${shape.scope} ${shape.path}`;

  if (fields.size === 0) return { ok: true, servedBy: "the built-in __name__ index" };

  const modes = (field: string) => singleFieldModes(spec, shape.collectionGroup, field, shape.scope);
  const singleFieldNeeds = (field: string): Mode[] => {
    const needs: Mode[] = [];
    if (contains.includes(field)) needs.push("CONTAINS");
    const ordered = order.filter((o) => o.field === field).map((o) => o.direction);
    needs.push(...ordered);
    if (needs.length === 0) needs.push("ASCENDING"); // equality only: either direction serves
    return needs;
  };
  const servesEquality = (field: string, have: Mode[]) =>
    order.some((o) => o.field === field) || contains.includes(field)
      ? singleFieldNeeds(field).every((mode) => have.includes(mode))
      : have.includes("ASCENDING") || have.includes("DESCENDING");

  const mergeable = order.length === 0 && inequality.length === 0;
  const single = fields.size === 1 && !(contains.length > 0 && order.length > 0);
  if (single || mergeable) {
    const missing = [...fields].filter((field) => !servesEquality(field, modes(field)));
    if (missing.length === 0) {
      return {
        ok: true,
        servedBy:
          fields.size === 1
            ? `single-field index on ${[...fields][0]} (${shape.scope})`
            : `merged single-field indexes on ${[...fields].join(", ")} (${shape.scope})`,
      };
    }
    const field = missing[0]!;
    return {
      ok: false,
      reason: `${where}: no ${shape.scope} single-field index on ${field} (${singleFieldNeeds(field).join(", ")})`,
      // An override replaces the field's automatic indexes, so it keeps the ones it has.
      needs: {
        collectionGroup: shape.collectionGroup,
        fieldPath: field,
        indexes: (["COLLECTION", "COLLECTION_GROUP"] as const).flatMap((scope) => {
          const have = singleFieldModes(spec, shape.collectionGroup, field, scope);
          const want = scope === shape.scope ? singleFieldNeeds(field).filter((m) => !have.includes(m)) : [];
          return [...have, ...want].map((mode) =>
            mode === "CONTAINS"
              ? { arrayConfig: "CONTAINS" as const, queryScope: scope }
              : { order: mode, queryScope: scope },
          );
        }),
      },
    };
  }

  // Composite: equality and array-contains fields (any order), then the ordering fields.
  const prefix = [...new Set([...equality, ...contains])].filter(
    (field) => !order.some((o) => o.field === field),
  );
  const wanted: IndexField[] = [
    ...prefix.map((field) =>
      contains.includes(field)
        ? { fieldPath: field, arrayConfig: "CONTAINS" as const }
        : { fieldPath: field, order: "ASCENDING" as const },
    ),
    ...order.map((o) => ({ fieldPath: o.field, order: o.direction })),
  ];
  const matches = (index: IndexSpec["indexes"][number]) => {
    if (index.collectionGroup !== shape.collectionGroup || index.queryScope !== shape.scope) return false;
    const indexed = index.fields.filter((f) => f.fieldPath !== NAME);
    if (indexed.length !== wanted.length) return false;
    const head = indexed.slice(0, prefix.length);
    const tail = indexed.slice(prefix.length);
    const headOk = prefix.every((field) =>
      head.some(
        (f) =>
          f.fieldPath === field &&
          (contains.includes(field) ? f.arrayConfig === "CONTAINS" : Boolean(f.order)),
      ),
    );
    const tailOk = order.every((o, i) => tail[i]?.fieldPath === o.field && tail[i]?.order === o.direction);
    return headOk && tailOk;
  };
  const found = spec.indexes.find(matches);
  if (found) {
    return {
      ok: true,
      servedBy: `composite index ${found.fields.map((f) => `${f.fieldPath} ${f.order ?? f.arrayConfig}`).join(", ")}`,
    };
  }
  return {
    ok: false,
    reason: `${where}: needs a ${shape.scope} composite index on ${wanted.map((f) => `${f.fieldPath} ${f.order ?? f.arrayConfig}`).join(", ")}`,
    needs: { collectionGroup: shape.collectionGroup, queryScope: shape.scope, fields: wanted },
  };
}
