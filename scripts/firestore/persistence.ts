// Saving and loading the stand-in's documents, so the server can restart without losing data —
// the stand-in's version of the official emulator's `--export-on-exit` and `--import`.
// Each document is kept as its exact v1 protobuf bytes plus its create and update times.
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { Document } from "@firestore-emulator/proto/dist/google/firestore/v1/document.js";
import { Write } from "@firestore-emulator/proto/dist/google/firestore/v1/write.js";
import type { FirestoreState } from "@firestore-emulator/server";

interface SavedDocument {
  proto: string;
  createdAt: number;
  updatedAt: number;
}
interface Snapshot {
  version: 1;
  documents: SavedDocument[];
}
// The shape of FirestoreState#toJSON: nested collections and documents, each with its path.
interface JsonNode {
  path?: string;
  fields?: object;
  projects?: Record<string, JsonNode>;
  databases?: Record<string, JsonNode>;
  collections?: Record<string, JsonNode>;
  documents?: Record<string, JsonNode>;
}

function documentPaths(node: JsonNode, found: string[] = []): string[] {
  if (node.path && node.fields) found.push(node.path);
  for (const children of [node.projects, node.databases, node.collections, node.documents])
    for (const child of Object.values(children ?? {})) documentPaths(child, found);
  return found;
}

export function saveSnapshot(state: FirestoreState, file: string): number {
  const documents: SavedDocument[] = [];
  for (const path of documentPaths(state.toJSON() as JsonNode)) {
    const document = state.getDocument(path);
    const { metadata } = document;
    if (!metadata.hasExist) continue; // a parent that exists only through its subcollections
    documents.push({
      proto: Buffer.from(document.toV1Document().serializeBinary()).toString("base64"),
      createdAt: metadata.createdAt.getTime(),
      updatedAt: metadata.updatedAt.getTime(),
    });
  }
  const snapshot: Snapshot = { version: 1, documents };
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  // Write then rename, so a crash mid-save leaves the previous snapshot whole.
  writeFileSync(`${file}.tmp`, JSON.stringify(snapshot), { mode: 0o600 });
  renameSync(`${file}.tmp`, file);
  return documents.length;
}

export function loadSnapshot(state: FirestoreState, file: string): number {
  if (!existsSync(file)) return 0;
  const snapshot = JSON.parse(readFileSync(file, "utf8")) as Snapshot;
  if (snapshot.version !== 1) throw new Error(`${file}: unknown snapshot version ${snapshot.version}`);
  for (const saved of snapshot.documents) {
    const stored = Document.deserializeBinary(Buffer.from(saved.proto, "base64"));
    const update = new Document({ name: stored.name, fields: stored.fields });
    state.writeV1Document(new Date(saved.updatedAt), new Write({ update }));
    // Preconditions compare update times, so restore both times exactly.
    state.getDocument(stored.name).metadata = {
      hasExist: true,
      createdAt: new Date(saved.createdAt),
      updatedAt: new Date(saved.updatedAt),
    };
  }
  return snapshot.documents.length;
}
