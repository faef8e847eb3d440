import { describe, expect, it } from 'vitest';
import { todayState } from '../../bot/app/people/desk.js';
import type { CheckIn } from '../../bot/domain/alert.js';
import type { Person } from '../../bot/domain/person.js';

/** Saturday 21 November 2026, 10:30 in Rome. */
const now = new Date('2026-11-21T09:30:00Z');
const today = '2026-11-21';
const tz = 'Europe/Rome';

const elder = (extra: Partial<Person> = {}): Person => ({
  id: 'e1',
  lang: 'it',
  createdAt: '2026-11-01T10:00:00Z',
  channels: [],
  role: 'elder',
  checkInTime: '09:00',
  ...extra,
});

const checkIn = (extra: Partial<CheckIn> = {}): CheckIn => ({
  elderId: 'e1',
  localDate: today,
  state: 'prompted',
  promptedAt: '2026-11-21T08:00:00Z',
  rungsDone: [],
  alerted: [],
  ...extra,
});

describe("an elder's day as /today shows it", () => {
  it('reads the check-in first: help, an answer and who gave it, missed once someone else was told', () => {
    const at = (c: Partial<CheckIn>) => todayState(elder(), checkIn(c), today, now, tz);
    expect(at({ state: 'help', answeredAt: '2026-11-21T08:20:00Z' })).toEqual({
      state: 'help',
      time: '09:20',
    });
    expect(at({ state: 'fine', answeredAt: '2026-11-21T08:05:00Z' })).toEqual({
      state: 'fine',
      time: '09:05',
    });
    expect(at({ state: 'heard', answeredAt: '2026-11-21T09:10:00Z' })).toEqual({
      state: 'heard',
      time: '10:10',
    });
    expect(at({})).toEqual({ state: 'waiting', time: '09:00' });
    // The reminder is still waiting; the relatives' rung is missed.
    expect(at({ rungsDone: ['reminder'] })).toEqual({ state: 'waiting', time: '09:00' });
    expect(at({ rungsDone: ['reminder', 'relatives'] })).toEqual({ state: 'missed', time: '09:00' });
  });

  it('an open check-in of someone the channel cannot reach is unreachable; missed stays missed', () => {
    const gone = elder({ unreachableAt: '2026-11-21T08:00:05Z' });
    expect(todayState(gone, checkIn(), today, now, tz)).toEqual({ state: 'unreachable' });
    expect(todayState(gone, null, today, now, tz)).toEqual({ state: 'unreachable' });
    expect(todayState(gone, checkIn({ rungsDone: ['reminder', 'mediator'] }), today, now, tz).state).toBe(
      'missed',
    );
  });

  it('without a check-in: paused, no question (none set, or not one of her days), or later today', () => {
    expect(
      todayState(elder({ absences: [{ from: '2026-11-20', to: '2026-11-23' }] }), null, today, now, tz),
    ).toEqual({
      state: 'paused',
      until: '2026-11-23',
    });
    expect(todayState(elder({ checkInTime: null }), null, today, now, tz)).toEqual({ state: 'none' });
    expect(todayState(elder({ checkInDays: ['mon', 'wed'] }), null, today, now, tz)).toEqual({
      state: 'none',
    });
    expect(todayState(elder({ checkInDays: ['sat'], checkInTime: '11:00' }), null, today, now, tz)).toEqual({
      state: 'later',
      time: '11:00',
    });
  });
});
