import { describe, expect, it } from 'vitest';
import {
  areaKm2,
  cellKeys,
  cellQueriesAround,
  cellsOf,
  covered,
  queryKey,
  ringForDensity,
  ringQueries,
  runs,
  type CellQuery,
} from '../../bot/domain/cells.js';

const brescia = { lat: 45.54, lon: 10.22 };

describe('geo cells (bot/domain/cells.ts)', () => {
  it('partitions by the precision-5 cell, sorted by the precision-9 geohash', () => {
    expect(cellKeys(brescia)).toEqual({ cell: 'u0p70', sortPrefix: 'u0p70d3cx' });
  });

  it('measures the ground a set of reads covers', () => {
    const { cell } = cellKeys(brescia);
    // A precision-5 partition here is about 4.9 km × 3.4 km; a precision-6 cell of it about
    // 0.86 km × 0.61 km, 1/32 of it; a precision-7 sub-cell 1/32 of that.
    expect(areaKm2([{ cell }])).toBeCloseTo(16.8, 1);
    expect(areaKm2([{ cell, prefix: `${cell}d` }])).toBeCloseTo(0.52, 1);
    expect(areaKm2([{ cell, prefix: `${cell}d0` }]) * 32).toBeCloseTo(
      areaKm2([{ cell, prefix: `${cell}d` }]),
      3,
    );
    const nearest = cellQueriesAround(brescia, 0.25);
    expect(areaKm2(nearest)).toBeGreaterThan(0.25);
    expect(areaKm2(nearest)).toBeLessThan(1);
  });

  it('sends the second read as far as the density found in the first says is enough', () => {
    // 50,000 volunteers in the city: some 380 a km², a third eligible; the nearest ring beyond is enough.
    expect(ringForDensity({ read: 150, eligible: 50, areaKm2: 0.4 }, 3, 5)).toBe(0.25);
    expect(ringForDensity({ read: 40, eligible: 10, areaKm2: 0.4 }, 3, 5)).toBe(0.5);
    // 1,000: about 8 a km², so 3 or 4 in the first ring, one eligible: out to 1 km at once.
    expect(ringForDensity({ read: 4, eligible: 1, areaKm2: 0.45 }, 3, 5)).toBe(1);
    // Nobody in the first ring: the density is at most one in its area, so 2 km.
    expect(ringForDensity({ read: 0, eligible: 0, areaKm2: 0.45 }, 3, 5)).toBe(2);
    // Never past the stage's reach; nothing read at all, the whole reach.
    expect(ringForDensity({ read: 0, eligible: 0, areaKm2: 0.45 }, 20, 3.5)).toBe(3.5);
    expect(ringForDensity({ read: 0, eligible: 0, areaKm2: 0 }, 3, 7.5)).toBe(7.5);
  });

  it('counts a read as covered by any read done before whose geohash starts it', () => {
    const done = new Set(['u0p70', 'u0p7bk', 'u0p7cm3']);
    // The whole partition covers its cells and sub-cells.
    expect(covered({ cell: 'u0p70' }, done)).toBe(true);
    expect(covered({ cell: 'u0p70', prefix: 'u0p70d' }, done)).toBe(true);
    expect(covered({ cell: 'u0p70', prefix: 'u0p70d3' }, done)).toBe(true);
    // A cell covers its sub-cells, not the partition or its neighbours.
    expect(covered({ cell: 'u0p7b', prefix: 'u0p7bk2' }, done)).toBe(true);
    expect(covered({ cell: 'u0p7b' }, done)).toBe(false);
    expect(covered({ cell: 'u0p7b', prefix: 'u0p7bm' }, done)).toBe(false);
    // A sub-cell covers only itself.
    expect(covered({ cell: 'u0p7c', prefix: 'u0p7cm3' }, done)).toBe(true);
    expect(covered({ cell: 'u0p7c', prefix: 'u0p7cm' }, done)).toBe(false);
    expect(covered({ cell: 'u0p71', prefix: 'u0p71d' }, done)).toBe(false);
  });

  /** Whether the reads cover every cell of the ring, and read each place once. */
  function coversOnce(reads: CellQuery[], km: number, before: CellQuery[] = []) {
    const done = new Set([...before, ...reads].map(queryKey));
    expect(done.size).toBe(before.length + reads.length);
    for (const q of cellQueriesAround(brescia, km)) expect(covered(q, done), queryKey(q)).toBe(true);
    for (const q of reads) expect(covered(q, new Set(before.map(queryKey))), queryKey(q)).toBe(false);
  }

  it('reads far rings in whole precision-5 partitions where volunteers are sparse', () => {
    // Nobody in the nearest ring (0.45 km²): at most one volunteer there, some 2 a km².
    const sparse = 1 / 0.45;
    const fine = cellQueriesAround(brescia, 2);
    const reads = ringQueries(brescia, 2, new Set(), sparse);
    expect(fine.length).toBeGreaterThan(40);
    expect(reads.length).toBeLessThanOrEqual(10);
    expect(reads.some((q) => !q.prefix)).toBe(true);
    coversOnce(reads, 2);
    // The extra ground read costs fewer items than the budget, at that density.
    expect((areaKm2(reads) - areaKm2(fine)) * sparse).toBeLessThanOrEqual(150);
    // Out to 7.5 km after that ring, having found nobody on its ground: partitions only.
    const found = 1 / areaKm2(reads);
    const wider = ringQueries(brescia, 7.5, new Set(reads.map(queryKey)), found);
    expect(wider.every((q) => !q.prefix)).toBe(true);
    expect(wider.length).toBeLessThanOrEqual(30);
    coversOnce(wider, 7.5, reads);
  });

  it('keeps precision-6 cells where volunteers are dense, and sub-cells near', () => {
    // 50,000 in the city: some 380 a km²; a partition holds thousands.
    const dense = 380;
    expect(ringQueries(brescia, 2, new Set(), dense)).toEqual(cellQueriesAround(brescia, 2));
    expect(ringQueries(brescia, 2, new Set(), dense).every((q) => q.prefix?.length === 6)).toBe(true);
    // 1,000: some 8 a km²; a partition beyond the ring's cells costs over a hundred items, one at most.
    const some = ringQueries(brescia, 1, new Set(), 8);
    expect(some.filter((q) => !q.prefix).length).toBeLessThanOrEqual(1);
    coversOnce(some, 1);
    // Without a density yet, or within 0.5 km, the finest reads, whatever the density.
    expect(ringQueries(brescia, 2, new Set())).toEqual(cellQueriesAround(brescia, 2));
    const near = ringQueries(brescia, 0.5, new Set(), 0.01);
    expect(near.every((q) => q.prefix?.length === 7)).toBe(true);
  });

  it('reads a partition the ring covers whole in one query, however dense', () => {
    const reads = ringQueries(brescia, 7.5, new Set(), 380);
    const whole = reads.filter((q) => !q.prefix);
    expect(whole.length).toBeGreaterThan(0);
    for (const q of whole) {
      expect(cellQueriesAround(brescia, 7.5).filter((c) => c.cell === q.cell)).toHaveLength(32);
    }
    coversOnce(reads, 7.5);
  });

  it('reads cells that follow each other in geohash order as one run, the same cells', () => {
    for (const km of [0.25, 0.5, 2, 5]) {
      const cells = cellQueriesAround(brescia, km);
      const merged = runs(cells);
      expect(merged.length).toBeLessThan(cells.length);
      expect(merged.flatMap(cellsOf).sort()).toEqual(cells.map(queryKey).sort());
      for (const q of merged) {
        for (const hash of cellsOf(q)) {
          expect(hash.startsWith(q.cell)).toBe(true);
          expect(hash).toHaveLength(q.prefix!.length);
        }
      }
    }
    // A run crosses neither a partition's edge nor a precision; whole partitions stay whole.
    expect(
      runs([
        { cell: 'u0p70', prefix: 'u0p70z' },
        { cell: 'u0p71', prefix: 'u0p710' },
      ]),
    ).toHaveLength(2);
    expect(
      runs([
        { cell: 'u0p70', prefix: 'u0p70d' },
        { cell: 'u0p70', prefix: 'u0p70d0' },
      ]),
    ).toHaveLength(2);
    expect(
      runs([{ cell: 'u0p72' }, { cell: 'u0p70', prefix: 'u0p70d' }, { cell: 'u0p70', prefix: 'u0p70e' }]),
    ).toEqual([{ cell: 'u0p72' }, { cell: 'u0p70', prefix: 'u0p70d', through: 'u0p70e' }]);
    expect(cellsOf({ cell: 'u0p70', prefix: 'u0p70x', through: 'u0p70z' })).toEqual([
      'u0p70x',
      'u0p70y',
      'u0p70z',
    ]);
    expect(areaKm2([{ cell: 'u0p70', prefix: 'u0p70x', through: 'u0p70z' }])).toBeCloseTo(
      areaKm2([{ cell: 'u0p70', prefix: 'u0p70x' }]) * 3,
      3,
    );
  });
});
