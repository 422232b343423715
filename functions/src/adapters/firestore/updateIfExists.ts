import type { DocumentReference, UpdateData } from "firebase-admin/firestore";

/** Firestore's gRPC status for a document that does not exist. */
const NOT_FOUND = 5;

/** Updates the document; one that is gone (its job finished, its TTL passed) is left gone. */
export async function updateIfExists<T extends object>(ref: DocumentReference<T>, data: UpdateData<T>) {
  try {
    await ref.update(data);
  } catch (error) {
    if ((error as { code?: number }).code !== NOT_FOUND) throw error;
  }
}
