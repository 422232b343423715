import type { Firestore } from "firebase-admin/firestore";
import { chooseCell as placeInCell } from "../core/placement.js";
import type { Cell } from "../core/ports/runtime.js";
import { RUNTIMES } from "./firestore/instanceStore.js";

// Counts runtimes per cell and applies the placement policy. The top-level runtimes index carries
// each instance's cellId (instanceStore.update keeps it), so this is a collection-scoped equality
// count on one field, served by Firestore's automatic single-field index. A collection-group
// query over accounts/*/instances would need a COLLECTION_GROUP index that nothing deploys.
export async function chooseCell(db: Firestore, cells: Cell[]): Promise<Cell | undefined> {
  if (cells.length === 0) return undefined;
  const runtimes = db.collection(RUNTIMES);
  const counts = await Promise.all(
    cells.map(async (cell) => {
      const snapshot = await runtimes.where("cellId", "==", cell.id).count().get();
      return [cell.id, snapshot.data().count] as const;
    }),
  );
  const placement = placeInCell(cells, new Map(counts));
  if (!placement.ok)
    throw new Error(`cannot place the instance: ${placement.reason}; add a cell to WSAPI_CELLS`);
  return placement.cell;
}
