import type { Cell } from "./ports/runtime.js";

// Where a new instance service goes. Pure: the caller counts the services in each cell.

type Placement = { ok: true; cell: Cell } | { ok: false; reason: "no-cells" | "all-cells-full" };

interface Candidate {
  cell: Cell;
  used: number;
}

// Compares used/capacity without floating point, so equal fractions tie exactly.
function lessFull(a: Candidate, b: Candidate): boolean {
  return a.used * b.cell.capacity < b.used * a.cell.capacity;
}

/**
 * Chooses the cell with the smallest used fraction; ties go to the cell listed first.
 * A cell at or over its capacity is never chosen; when every cell is, placement is refused.
 */
export function chooseCell(cells: readonly Cell[], usedByCell: ReadonlyMap<string, number>): Placement {
  if (cells.length === 0) return { ok: false, reason: "no-cells" };
  let best: Candidate | undefined;
  for (const cell of cells) {
    const used = Math.max(0, usedByCell.get(cell.id) ?? 0);
    if (!(cell.capacity > used)) continue;
    const candidate = { cell, used };
    if (!best || lessFull(candidate, best)) best = candidate;
  }
  return best ? { ok: true, cell: best.cell } : { ok: false, reason: "all-cells-full" };
}
