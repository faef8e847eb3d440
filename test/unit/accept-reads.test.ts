import { describe, expect, it } from 'vitest';
import { openTo, type HelpRequest } from '../../bot/domain/request.js';
import { requestNamedBy } from '../../bot/app/common/turn-reads.js';

const request = (over: Partial<HelpRequest>): HelpRequest => ({
  id: 'r1',
  elderId: 'e1',
  createdBy: 'e1',
  zoneId: 'nord',
  neighbourhoodId: 'mompiano',
  lat: 45.56,
  lon: 10.23,
  category: 'pharmacy',
  when: { kind: 'today', date: '2026-11-21' },
  urgent: false,
  state: 'open',
  wave: 1,
  stage: 1,
  followers: [],
  offeredTo: ['v1', 'v2'],
  excluded: ['v2'],
  createdAt: '2026-11-21T08:00:00Z',
  ...over,
});

describe('an accept decided from the turn reads', () => {
  it('can win only an open request offered to her that she did not decline', () => {
    expect(openTo(request({}), 'v1')).toBe(true);
    expect(openTo(request({}), 'v2')).toBe(false);
    expect(openTo(request({}), 'v3')).toBe(false);
    expect(openTo(request({ state: 'assigned', assignedTo: 'v1' }), 'v1')).toBe(false);
    expect(openTo(request({ state: 'cancelled' }), 'v1')).toBe(false);
  });

  it('reads the request an Accept or an "I\'ll go" names, and none for other input', () => {
    expect(requestNamedBy({ kind: 'button', data: 'a:oa:r1' })).toBe('r1');
    expect(requestNamedBy({ kind: 'button', data: 'a:hy:r1.m1' })).toBe('r1');
    expect(requestNamedBy({ kind: 'button', data: 'a:od:r1' })).toBeUndefined();
    expect(requestNamedBy({ kind: 'button', data: 'not button data' })).toBeUndefined();
    expect(requestNamedBy({ kind: 'text', text: 'a:oa:r1' })).toBeUndefined();
  });
});
