// The data keys (Secret Manager, or a local file) and the ciphertexts written under them.

export interface KeyRing {
  current(): Promise<{ version: number; key: Buffer }>;
  get(version: number): Promise<Buffer | undefined>;
}

/** A ciphertext held in one field of one document, for the re-encryption job. */
export interface StoredCiphertext {
  docId: string;
  envelope: string;
}

export interface CiphertextStore {
  list(collection: string, field: string): AsyncIterable<StoredCiphertext>;
  /** Replaces the envelope only if it is still `expected` (compare-and-set). */
  replace(collection: string, docId: string, field: string, expected: string, next: string): Promise<boolean>;
}
