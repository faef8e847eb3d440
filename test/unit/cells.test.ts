import { describe, expect, it } from 'vitest';
import { areaKm2, cellKeys, cellQueriesAround, ringForDensity } from '../../bot/domain/cells.js';

const brescia = { lat: 45.54, lon: 10.22 };

describe('geo cells (bot/domain/cells.ts)', () => {
  it('measures the ground a set of reads covers', () => {
    const { cell } = cellKeys(brescia);
    // A precision-6 cell here is about 0.86 km × 0.61 km; one of its 32 precision-7 sub-cells 1/32 of it.
    expect(areaKm2([{ cell }])).toBeCloseTo(0.52, 1);
    expect(areaKm2([{ cell, prefix: `${cell}0` }]) * 32).toBeCloseTo(areaKm2([{ cell }]), 3);
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
});
