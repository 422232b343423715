import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { chooseCell } from "../src/core/placement.js";
import type { Cell } from "../src/core/ports/runtime.js";

const cell = (id: string, capacity: number): Cell => ({
  id,
  projectId: `p-${id}`,
  region: "europe-west1",
  capacity,
});

const cellsArbitrary = fc
  .uniqueArray(
    fc.record({ id: fc.string({ minLength: 1, maxLength: 6 }), capacity: fc.integer({ min: 0, max: 40 }) }),
    {
      selector: (candidate) => candidate.id,
      maxLength: 6,
    },
  )
  .map((candidates) => candidates.map(({ id, capacity }) => cell(id, capacity)));

const loadArbitrary = cellsArbitrary.chain((cells) =>
  fc
    .tuple(...cells.map((candidate) => fc.integer({ min: 0, max: candidate.capacity + 5 })))
    .map((counts) => ({
      cells,
      used: new Map(cells.map((candidate, index) => [candidate.id, counts[index] ?? 0])),
    })),
);

describe("cell placement", () => {
  it("picks the least used fraction, ties going to the cell listed first", () => {
    const cells = [cell("a", 1000), cell("b", 100), cell("c", 1000)];
    const placed = (used: Record<string, number>) => chooseCell(cells, new Map(Object.entries(used)));
    assert.deepEqual(placed({ a: 500, b: 40, c: 100 }), { ok: true, cell: cells[2] });
    assert.deepEqual(placed({ a: 100, b: 10, c: 100 }), { ok: true, cell: cells[0] }, "equal fractions tie");
    assert.deepEqual(placed({}), { ok: true, cell: cells[0] }, "an uncounted cell is empty");
    assert.deepEqual(placed({ a: 1000, b: 99, c: 1000 }), { ok: true, cell: cells[1] });
  });

  it("refuses when every cell is full, or none is configured", () => {
    const cells = [cell("a", 2), cell("b", 0)];
    assert.deepEqual(chooseCell(cells, new Map([["a", 2]])), { ok: false, reason: "all-cells-full" });
    assert.deepEqual(chooseCell(cells, new Map([["a", 7]])), { ok: false, reason: "all-cells-full" });
    assert.deepEqual(chooseCell([], new Map()), { ok: false, reason: "no-cells" });
  });

  it("never chooses a full cell, refuses only when all are full, and picks the first least used", () => {
    fc.assert(
      fc.property(loadArbitrary, ({ cells, used }) => {
        const placement = chooseCell(cells, used);
        const load = (candidate: Cell) => used.get(candidate.id) ?? 0;
        const open = cells.filter((candidate) => load(candidate) < candidate.capacity);
        if (!placement.ok) {
          assert.equal(open.length, 0);
          assert.equal(placement.reason, cells.length ? "all-cells-full" : "no-cells");
          return;
        }
        const leastUsed = (candidate: Cell) =>
          open.every((other) => load(candidate) * other.capacity <= load(other) * candidate.capacity);
        assert.equal(placement.cell, open.find(leastUsed), "the first of the least used open cells");
      }),
    );
  });

  it("is deterministic and fills every cell exactly to capacity when placing one by one", () => {
    fc.assert(
      fc.property(cellsArbitrary, (cells) => {
        const used = new Map<string, number>();
        const order: string[] = [];
        for (;;) {
          const placement = chooseCell(cells, used);
          assert.deepEqual(chooseCell(cells, new Map(used)), placement);
          if (!placement.ok) break;
          order.push(placement.cell.id);
          used.set(placement.cell.id, (used.get(placement.cell.id) ?? 0) + 1);
        }
        for (const candidate of cells) assert.equal(used.get(candidate.id) ?? 0, candidate.capacity);
        const total = cells.reduce((sum, candidate) => sum + candidate.capacity, 0);
        assert.equal(order.length, total);
      }),
    );
  });
});
