import { describe, expect, it } from 'vitest';
import { changes, updateExpression } from '../../bot/adapters/store/patch.js';

describe('a targeted update', () => {
  const before = {
    PK: 'P#1',
    name: 'Anna',
    volunteer: { status: 'pending', radiusKm: 2, days: ['mon'] },
    unreachableAt: '2026-11-20T10:00:00Z',
  };

  it('names only what changed, down into maps, and removes what is gone', () => {
    const after = {
      PK: 'P#1',
      name: 'Anna',
      volunteer: { status: 'pending', radiusKm: 5, days: ['mon', 'tue'] },
      lang: 'it',
    };
    expect(changes(before, after)).toEqual([
      { path: ['volunteer', 'radiusKm'], value: 5 },
      { path: ['volunteer', 'days'], value: ['mon', 'tue'] },
      { path: ['unreachableAt'] },
      { path: ['lang'], value: 'it' },
    ]);
  });

  it('is empty when nothing changed (no write at all)', () => {
    expect(changes(before, structuredClone(before))).toEqual([]);
  });

  it('sets a whole map that was not there, and uses every name and value it declares', () => {
    const list = changes({ PK: 'P#1' }, { PK: 'P#1', volunteer: { radiusKm: 2 }, name: 'Anna' });
    expect(list).toEqual([
      { path: ['volunteer'], value: { radiusKm: 2 } },
      { path: ['name'], value: 'Anna' },
    ]);
    const parts = updateExpression([...list, { path: ['volunteer', 'x'] }], { '#pk': 'PK' });
    expect(parts.UpdateExpression).toBe('SET #p1 = :v0, #p2 = :v1 REMOVE #p1.#p3');
    expect(parts.ExpressionAttributeNames).toEqual({
      '#pk': 'PK',
      '#p1': 'volunteer',
      '#p2': 'name',
      '#p3': 'x',
    });
    expect(parts.ExpressionAttributeValues).toEqual({ ':v0': { radiusKm: 2 }, ':v1': 'Anna' });
  });
});
