import type { Firestore } from "firebase-admin/firestore";
import { chooseCell as placeInCell } from "../core/placement.js";
import type { Cell } from "../core/runtime.js";

// Counts runtimes per cell (the runtimes index carries the cell) and applies the placement policy.
export async function chooseCell(db: Firestore, cells: Cell[]): Promise<Cell | undefined> {
  if (cells.length === 0) return undefined;
  const counts = await Promise.all(
    cells.map(async (cell) => {
      const snapshot = await db
        .collectionGroup("instances")
        .where("runtime.cellId", "==", cell.id)
        .count()
        .get();
      return [cell.id, snapshot.data().count] as const;
    }),
  );
  const placement = placeInCell(cells, new Map(counts));
  if (!placement.ok)
    throw new Error(`cannot place the instance: ${placement.reason}; add a cell to WSAPI_CELLS`);
  return placement.cell;
}
