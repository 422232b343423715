import type { Firestore } from "firebase-admin/firestore";
import type { Instance } from "../core/instances.js";
import type { Cell } from "../core/runtime.js";

// Picks the cell with the most free room, counting instances per cell with an aggregation query.
export async function chooseCell(db: Firestore, cells: Cell[], _instance: Instance): Promise<Cell | undefined> {
  if (cells.length === 0) return undefined;
  const counts = await Promise.all(
    cells.map(async (cell) => {
      const snapshot = await db.collectionGroup("instances").where("runtime.cellId", "==", cell.id).count().get();
      return snapshot.data().count;
    }),
  );
  let best: { cell: Cell; used: number } | undefined;
  cells.forEach((cell, index) => {
    const used = counts[index]! / cell.capacity;
    if (counts[index]! < cell.capacity && (!best || used < best.used)) best = { cell, used };
  });
  if (!best) throw new Error("every cell is full: add a cell to WSAPI_CELLS");
  return best.cell;
}
