import { describe, expect, it } from 'vitest';
import { needsTtl } from '../support/invariants.js';

describe('invariant (c): what must carry a TTL', () => {
  it('wants one on resolved alerts, turn records, and strangers with their identities', () => {
    const strangers = new Set(['s1']);
    expect(needsTtl({ entity: 'alert', state: 'resolved' })).not.toBeNull();
    expect(needsTtl({ entity: 'alert', state: 'acknowledged' })).toBeNull();
    expect(needsTtl({ entity: 'turn' })).not.toBeNull();
    expect(needsTtl({ entity: 'person', id: 's1' })).not.toBeNull();
    expect(needsTtl({ entity: 'person', id: 'p1', onboardedAt: '2026-11-21T09:00:00Z' })).toBeNull();
    expect(needsTtl({ entity: 'identity', personId: 's1' }, strangers)).not.toBeNull();
    expect(needsTtl({ entity: 'identity', personId: 'p1' }, strangers)).toBeNull();
    expect(needsTtl({ entity: 'request', state: 'cancelled' })).not.toBeNull();
    expect(needsTtl({ entity: 'request', state: 'open' })).toBeNull();
  });
});
