import { describe, expect, it } from 'vitest';
import { cardRef } from '../../bot/domain/alert.js';

describe('cardRef.latest: the one card each mediator holds', () => {
  it('takes the highest round', () => {
    expect(cardRef.latest(['m1 0 42:10', 'm1 1 42:11', 'm2 0 43:5'])).toEqual([
      { mediatorId: 'm1', round: 1, ref: '42:11' },
      { mediatorId: 'm2', round: 0, ref: '43:5' },
    ]);
  });

  it('of one round in one chat, the later message (opened again from a digest), in whatever order stored', () => {
    for (const cards of [
      ['m1 0 42:10', 'm1 0 42:17'],
      ['m1 0 42:17', 'm1 0 42:10'],
    ])
      expect(cardRef.latest(cards)).toEqual([{ mediatorId: 'm1', round: 0, ref: '42:17' }]);
    // Message ids compare as numbers, not text.
    expect(cardRef.latest(['m1 0 42:9', 'm1 0 42:10'])).toEqual([
      { mediatorId: 'm1', round: 0, ref: '42:10' },
    ]);
  });
});
