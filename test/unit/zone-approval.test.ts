import { describe, expect, it } from 'vitest';
import { pendingAfterMove } from '../../bot/app/people/volunteers.js';
import type { Person, VolunteerStatus } from '../../bot/domain/person.js';

function volunteer(status: VolunteerStatus, zoneId: string): Person {
  return {
    id: 'anna',
    lang: 'it',
    createdAt: '2026-11-20T09:00:00.000Z',
    channels: [],
    role: 'volunteer',
    zoneId,
    volunteer: {
      status,
      radiusKm: 5,
      categories: ['pharmacy'],
      days: [],
      dayParts: [],
      languages: ['it'],
      decidedBy: 'giulia',
      decidedAt: '2026-11-20T09:05:00.000Z',
    },
  };
}

describe('approval is per zone', () => {
  it('an approved volunteer moving into another zone is pending there, with no decision kept', () => {
    const moved = pendingAfterMove(volunteer('approved', 'nord'), volunteer('approved', 'sud'));
    expect(moved.volunteer).toEqual({
      status: 'pending',
      radiusKm: 5,
      categories: ['pharmacy'],
      days: [],
      dayParts: [],
      languages: ['it'],
    });
  });

  it('a pending one stays pending, for the new zone', () => {
    expect(
      pendingAfterMove(volunteer('pending', 'nord'), volunteer('pending', 'sud')).volunteer?.status,
    ).toBe('pending');
  });

  it('a move within the zone, or a rejected or suspended volunteer, is left as it is', () => {
    for (const [status, from, to] of [
      ['approved', 'nord', 'nord'],
      ['rejected', 'nord', 'sud'],
      ['suspended', 'nord', 'sud'],
    ] as const) {
      const after = volunteer(status, to);
      expect(pendingAfterMove(volunteer(status, from), after)).toBe(after);
    }
  });

  it('someone who is not a volunteer is left as they are', () => {
    const elder: Person = {
      id: 'maria',
      lang: 'it',
      createdAt: '',
      channels: [],
      role: 'elder',
      zoneId: 'sud',
    };
    expect(pendingAfterMove({ ...elder, zoneId: 'nord' }, elder)).toBe(elder);
  });
});
