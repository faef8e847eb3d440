import { describe, expect, it } from 'vitest';
import { lastAnswer, missedStreak, type CheckIn } from '../../bot/domain/alert.js';

const checkIn = (localDate: string, extra: Partial<CheckIn> = {}): CheckIn => ({
  elderId: 'e1',
  localDate,
  state: 'prompted',
  promptedAt: `${localDate}T08:00:00.000Z`,
  rungsDone: [],
  alerted: [],
  ...extra,
});

describe('missed days in a row', () => {
  const fine = (d: string) =>
    checkIn(d, { state: 'fine', answeredBy: 'e1', answeredAt: `${d}T08:05:00.000Z` });
  const reachedByMediator = (d: string) =>
    checkIn(d, { state: 'heard', answeredBy: 'm1', rungsDone: ['reminder', 'relatives', 'zoneMediator'] });

  it('counts the day itself and the unanswered days before it, newest first', () => {
    const recent = [
      checkIn('2026-11-23'),
      reachedByMediator('2026-11-22'),
      checkIn('2026-11-21'),
      fine('2026-11-20'),
    ];
    expect(missedStreak(recent, '2026-11-23')).toBe(3);
    expect(lastAnswer(recent)?.localDate).toBe('2026-11-20');
  });

  it('a relative who heard from the elder before the mediator rung breaks the streak', () => {
    const heard = checkIn('2026-11-22', {
      state: 'heard',
      answeredBy: 'r1',
      rungsDone: ['reminder', 'relatives'],
    });
    expect(missedStreak([checkIn('2026-11-23'), heard], '2026-11-23')).toBe(1);
  });

  it('no history: one day, no last answer', () => {
    expect(missedStreak([], '2026-11-23')).toBe(1);
    expect(lastAnswer([checkIn('2026-11-23')])).toBeUndefined();
  });
});
