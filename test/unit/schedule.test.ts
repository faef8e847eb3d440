import { afterEach, describe, expect, it } from 'vitest';
import { DateTime, Settings } from 'luxon';
import {
  addDays,
  afterQuiet,
  currentAbsence,
  isAbsent,
  isQuiet,
  localDate,
  localWeekday,
  minuteKey,
  minuteStart,
  nextCheckIn,
  nextMinuteKey,
  type CheckInSchedule,
  type QuietHours,
} from '../../bot/domain/schedule.js';

const rome = 'Europe/Rome';
const newYork = 'America/New_York';
const everyDay = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
const z = (iso: string): Date => new Date(iso);

/** Follows nextCheckIn from `from` for `count` check-ins, as ISO instants and local dates. */
function chain(schedule: CheckInSchedule, zone: string, from: string, count: number): string[] {
  const out: string[] = [];
  let after = z(from);
  for (let i = 0; i < count; i++) {
    const next = nextCheckIn(schedule, zone, after);
    if (!next) break;
    out.push(`${next.localDate} ${next.at.toISOString()}`);
    after = next.at;
  }
  return out;
}

afterEach(() => {
  // Some tests pin luxon's notion of "now" to show our results do not depend on it.
  Settings.now = () => Date.now();
});

describe('nextCheckIn across DST in Europe/Rome', () => {
  const nine: CheckInSchedule = { time: '09:00', days: everyDay };

  it('keeps 09:00 local around the March 2026 spring-forward', () => {
    expect(chain(nine, rome, '2026-03-27T12:00:00Z', 3)).toEqual([
      '2026-03-28 2026-03-28T08:00:00.000Z',
      '2026-03-29 2026-03-29T07:00:00.000Z',
      '2026-03-30 2026-03-30T07:00:00.000Z',
    ]);
  });

  it('keeps 09:00 local around the October 2026 fall-back', () => {
    expect(chain(nine, rome, '2026-10-23T12:00:00Z', 3)).toEqual([
      '2026-10-24 2026-10-24T07:00:00.000Z',
      '2026-10-25 2026-10-25T08:00:00.000Z',
      '2026-10-26 2026-10-26T08:00:00.000Z',
    ]);
  });

  it('is strictly after: exactly at a check-in gives the next day’s, a millisecond before gives that one', () => {
    expect(nextCheckIn(nine, rome, z('2026-03-28T08:00:00Z'))).toEqual({
      at: z('2026-03-29T07:00:00Z'),
      localDate: '2026-03-29',
    });
    expect(nextCheckIn(nine, rome, z('2026-03-28T07:59:59.999Z'))?.at).toEqual(z('2026-03-28T08:00:00Z'));
  });

  it('moves 02:30 on the spring-forward day to the end of the gap (03:00 local, 01:00Z)', () => {
    const next = nextCheckIn({ time: '02:30', days: everyDay }, rome, z('2026-03-28T12:00:00Z'));
    expect(next).toEqual({ at: z('2026-03-29T01:00:00Z'), localDate: '2026-03-29' });
    expect(DateTime.fromJSDate(next!.at, { zone: rome }).toISO()).toBe('2026-03-29T03:00:00.000+02:00');
    // The gap starts exactly at 02:00, and the following day is ordinary again.
    expect(nextCheckIn({ time: '02:00', days: everyDay }, rome, z('2026-03-28T12:00:00Z'))?.at).toEqual(
      z('2026-03-29T01:00:00Z'),
    );
    expect(nextCheckIn({ time: '02:30', days: everyDay }, rome, next!.at)?.at).toEqual(
      z('2026-03-30T00:30:00Z'),
    );
  });

  it('uses the first occurrence of 02:30 on the fall-back day (+02:00, 00:30Z)', () => {
    const next = nextCheckIn({ time: '02:30', days: everyDay }, rome, z('2026-10-24T12:00:00Z'));
    expect(next).toEqual({ at: z('2026-10-25T00:30:00Z'), localDate: '2026-10-25' });
    // Once the first 02:30 has passed, the second one does not count again: the next is Monday's.
    expect(nextCheckIn({ time: '02:30', days: everyDay }, rome, next!.at)).toEqual({
      at: z('2026-10-26T01:30:00Z'),
      localDate: '2026-10-26',
    });
  });

  it('does not depend on the real-world date, unlike luxon’s defaults', () => {
    const twoThirty = { time: '02:30', days: everyDay };
    for (const now of ['2026-01-15T12:00:00Z', '2026-07-15T12:00:00Z']) {
      Settings.now = () => Date.parse(now);
      expect(nextCheckIn(twoThirty, rome, z('2026-10-24T12:00:00Z'))?.at).toEqual(z('2026-10-25T00:30:00Z'));
      expect(nextCheckIn(twoThirty, rome, z('2026-03-28T12:00:00Z'))?.at).toEqual(z('2026-03-29T01:00:00Z'));
    }
    // Why the module overrides luxon: left alone, it shifts a gap time by the gap's length and
    // resolves an ambiguous time by the offset in force at the moment the code runs.
    Settings.now = () => Date.parse('2026-01-15T12:00:00Z');
    expect(DateTime.fromISO('2026-10-25T02:30', { zone: rome }).toISO()).toBe(
      '2026-10-25T02:30:00.000+01:00',
    );
    Settings.now = () => Date.parse('2026-07-15T12:00:00Z');
    expect(DateTime.fromISO('2026-10-25T02:30', { zone: rome }).toISO()).toBe(
      '2026-10-25T02:30:00.000+02:00',
    );
    expect(DateTime.fromISO('2026-03-29T02:30', { zone: rome }).toISO()).toBe(
      '2026-03-29T03:30:00.000+02:00',
    );
  });
});

describe('nextCheckIn filters', () => {
  it('keeps to the chosen weekdays only', () => {
    const schedule: CheckInSchedule = { time: '10:00', days: ['mon', 'thu'] };
    // 2026-06-02 is a Tuesday.
    expect(chain(schedule, rome, '2026-06-02T12:00:00Z', 4)).toEqual([
      '2026-06-04 2026-06-04T08:00:00.000Z',
      '2026-06-08 2026-06-08T08:00:00.000Z',
      '2026-06-11 2026-06-11T08:00:00.000Z',
      '2026-06-15 2026-06-15T08:00:00.000Z',
    ]);
  });

  it('skips absent dates inclusively and resumes by itself the day after', () => {
    const schedule: CheckInSchedule = {
      time: '09:00',
      days: everyDay,
      absences: [{ from: '2026-06-10', to: '2026-06-12' }],
    };
    expect(chain(schedule, rome, '2026-06-08T12:00:00Z', 3)).toEqual([
      '2026-06-09 2026-06-09T07:00:00.000Z',
      '2026-06-13 2026-06-13T07:00:00.000Z',
      '2026-06-14 2026-06-14T07:00:00.000Z',
    ]);
    // Asked during the absence, it answers with the first day after it.
    expect(nextCheckIn(schedule, rome, z('2026-06-11T12:00:00Z'))?.localDate).toBe('2026-06-13');
  });

  it('combines weekdays and absences', () => {
    const schedule: CheckInSchedule = {
      time: '09:00',
      days: ['mon', 'thu'],
      absences: [{ from: '2026-06-08', to: '2026-06-08' }],
    };
    expect(chain(schedule, rome, '2026-06-05T12:00:00Z', 2)).toEqual([
      '2026-06-11 2026-06-11T07:00:00.000Z',
      '2026-06-15 2026-06-15T07:00:00.000Z',
    ]);
  });

  it('is null with no weekdays, or when absences cover the whole search window', () => {
    expect(nextCheckIn({ time: '09:00', days: [] }, rome, z('2026-06-01T00:00:00Z'))).toBeNull();
    const away: CheckInSchedule = {
      time: '09:00',
      days: everyDay,
      absences: [{ from: '2026-01-01', to: '2028-01-01' }],
    };
    expect(nextCheckIn(away, rome, z('2026-06-01T00:00:00Z'))).toBeNull();
  });

  it('refuses malformed input instead of guessing', () => {
    expect(() => nextCheckIn({ time: '9:00', days: everyDay }, rome, z('2026-06-01T00:00:00Z'))).toThrow(
      RangeError,
    );
    expect(() => nextCheckIn({ time: '24:00', days: everyDay }, rome, z('2026-06-01T00:00:00Z'))).toThrow(
      RangeError,
    );
    expect(() =>
      nextCheckIn({ time: '09:00', days: everyDay }, 'Mars/Olympus', z('2026-06-01T00:00:00Z')),
    ).toThrow(RangeError);
    expect(() => nextCheckIn({ time: '09:00', days: everyDay }, rome, new Date(Number.NaN))).toThrow(
      RangeError,
    );
  });
});

describe('the zone is a parameter (America/New_York)', () => {
  it('keeps 09:00 local around the March 2026 change and applies the same DST rules', () => {
    const nine: CheckInSchedule = { time: '09:00', days: everyDay };
    expect(chain(nine, newYork, '2026-03-06T18:00:00Z', 3)).toEqual([
      '2026-03-07 2026-03-07T14:00:00.000Z',
      '2026-03-08 2026-03-08T13:00:00.000Z',
      '2026-03-09 2026-03-09T13:00:00.000Z',
    ]);
    // The same instant is a different local day in Rome and New York.
    expect(nextCheckIn(nine, rome, z('2026-03-07T12:00:00Z'))?.localDate).toBe('2026-03-08');
    // Gap: 02:30 on 8 March → 03:00 EDT; overlap: 01:30 on 1 November → the EDT (first) one.
    expect(nextCheckIn({ time: '02:30', days: everyDay }, newYork, z('2026-03-07T18:00:00Z'))?.at).toEqual(
      z('2026-03-08T07:00:00Z'),
    );
    expect(nextCheckIn({ time: '01:30', days: everyDay }, newYork, z('2026-10-31T18:00:00Z'))?.at).toEqual(
      z('2026-11-01T05:30:00Z'),
    );
  });
});

describe('quiet hours', () => {
  const night: QuietHours = { start: '21:00', end: '08:00' };
  /** A local Rome wall-clock time in June (UTC+2) as an instant. */
  const june = (local: string): Date => DateTime.fromISO(`2026-06-10T${local}`, { zone: rome }).toJSDate();

  it('wraps midnight: start inclusive, end exclusive', () => {
    expect(isQuiet(june('20:59'), night, rome)).toBe(false);
    expect(isQuiet(june('20:59:59'), night, rome)).toBe(false);
    expect(isQuiet(june('21:00'), night, rome)).toBe(true);
    expect(isQuiet(june('23:30'), night, rome)).toBe(true);
    expect(isQuiet(june('07:59'), night, rome)).toBe(true);
    expect(isQuiet(june('07:59:59'), night, rome)).toBe(true);
    expect(isQuiet(june('08:00'), night, rome)).toBe(false);
  });

  it('afterQuiet returns the instant itself outside, the end of the current period inside', () => {
    expect(afterQuiet(june('20:59'), night, rome)).toEqual(june('20:59'));
    expect(afterQuiet(june('08:00'), night, rome)).toEqual(june('08:00'));
    expect(afterQuiet(june('21:00'), night, rome)).toEqual(z('2026-06-11T06:00:00Z'));
    expect(afterQuiet(june('23:30'), night, rome)).toEqual(z('2026-06-11T06:00:00Z'));
    expect(afterQuiet(june('07:59'), night, rome)).toEqual(z('2026-06-10T06:00:00Z'));
  });

  it('follows the wall clock across DST nights', () => {
    // Spring forward: 23:30 on Sat 28 March (+01:00) → 08:00 on Sun 29 March (+02:00).
    expect(isQuiet(z('2026-03-28T22:30:00Z'), night, rome)).toBe(true);
    expect(afterQuiet(z('2026-03-28T22:30:00Z'), night, rome)).toEqual(z('2026-03-29T06:00:00Z'));
    expect(isQuiet(z('2026-03-29T05:59:00Z'), night, rome)).toBe(true);
    expect(isQuiet(z('2026-03-29T06:00:00Z'), night, rome)).toBe(false);
    // Fall back: 23:30 on Sat 24 October (+02:00) → 08:00 on Sun 25 October (+01:00).
    expect(afterQuiet(z('2026-10-24T21:30:00Z'), night, rome)).toEqual(z('2026-10-25T07:00:00Z'));
    // Both 02:30s of that night are quiet.
    expect(isQuiet(z('2026-10-25T00:30:00Z'), night, rome)).toBe(true);
    expect(isQuiet(z('2026-10-25T01:30:00Z'), night, rome)).toBe(true);
    expect(isQuiet(z('2026-10-25T06:59:00Z'), night, rome)).toBe(true);
    expect(isQuiet(z('2026-10-25T07:00:00Z'), night, rome)).toBe(false);
  });

  it('ends quiet periods whose end DST skips or repeats', () => {
    const short: QuietHours = { start: '21:00', end: '02:30' };
    // 02:30 does not exist on 29 March: quiet ends when the clock jumps to 03:00 (01:00Z).
    expect(afterQuiet(z('2026-03-29T00:45:00Z'), short, rome)).toEqual(z('2026-03-29T01:00:00Z'));
    expect(isQuiet(z('2026-03-29T01:00:00Z'), short, rome)).toBe(false);
    // 02:30 happens twice on 25 October; each stretch ends at the next 02:30 on the clock.
    expect(afterQuiet(z('2026-10-25T00:15:00Z'), short, rome)).toEqual(z('2026-10-25T00:30:00Z'));
    expect(isQuiet(z('2026-10-25T00:30:00Z'), short, rome)).toBe(false);
    expect(isQuiet(z('2026-10-25T01:15:00Z'), short, rome)).toBe(true);
    expect(afterQuiet(z('2026-10-25T01:15:00Z'), short, rome)).toEqual(z('2026-10-25T01:30:00Z'));
  });

  it('handles a window that does not wrap, and start === end as no quiet hours', () => {
    const lunch: QuietHours = { start: '13:00', end: '15:00' };
    expect(isQuiet(june('12:59'), lunch, rome)).toBe(false);
    expect(isQuiet(june('13:00'), lunch, rome)).toBe(true);
    expect(isQuiet(june('14:59'), lunch, rome)).toBe(true);
    expect(isQuiet(june('15:00'), lunch, rome)).toBe(false);
    expect(isQuiet(june('23:00'), lunch, rome)).toBe(false);
    expect(afterQuiet(june('14:00'), lunch, rome)).toEqual(june('15:00'));
    expect(afterQuiet(june('16:00'), lunch, rome)).toEqual(june('16:00'));
    const none: QuietHours = { start: '08:00', end: '08:00' };
    expect(isQuiet(june('08:00'), none, rome)).toBe(false);
    expect(isQuiet(june('03:00'), none, rome)).toBe(false);
    expect(afterQuiet(june('03:00'), none, rome)).toEqual(june('03:00'));
  });

  it('reads the window in the zone given', () => {
    // 02:00Z is 22:00 in New York (quiet) and 04:00 in Rome (quiet); 13:00Z is 09:00 vs 15:00.
    expect(isQuiet(z('2026-06-10T02:00:00Z'), night, newYork)).toBe(true);
    expect(afterQuiet(z('2026-06-10T02:00:00Z'), night, newYork)).toEqual(z('2026-06-10T12:00:00Z'));
    expect(afterQuiet(z('2026-06-10T02:00:00Z'), night, rome)).toEqual(z('2026-06-10T06:00:00Z'));
  });
});

describe('local dates and weekdays', () => {
  it('depend on the zone near midnight', () => {
    const lateUtc = z('2026-06-30T22:30:00Z');
    expect(localDate(lateUtc, rome)).toBe('2026-07-01');
    expect(localDate(lateUtc, 'UTC')).toBe('2026-06-30');
    expect(localWeekday(lateUtc, rome)).toBe('wed');
    expect(localWeekday(lateUtc, 'UTC')).toBe('tue');
    // Just before local midnight in Rome in winter (+01:00) is still the same day there.
    expect(localDate(z('2026-01-31T22:59:59Z'), rome)).toBe('2026-01-31');
    expect(localDate(z('2026-01-31T23:00:00Z'), rome)).toBe('2026-02-01');
    expect(localWeekday(z('2026-03-29T07:00:00Z'), rome)).toBe('sun');
    expect(localDate(z('2026-07-01T02:00:00Z'), newYork)).toBe('2026-06-30');
  });
});

describe('absences', () => {
  const absences = [
    { from: '2026-06-10', to: '2026-06-12' },
    { from: '2026-06-12', to: '2026-06-20' },
    { from: '2026-05-01', to: '2026-05-03' },
  ];

  it('cover both ends inclusively', () => {
    expect(isAbsent('2026-06-09', absences)).toBe(false);
    expect(isAbsent('2026-06-10', absences)).toBe(true);
    expect(isAbsent('2026-06-20', absences)).toBe(true);
    expect(isAbsent('2026-06-21', absences)).toBe(false);
    expect(isAbsent('2026-06-10', undefined)).toBe(false);
    expect(isAbsent('2026-06-10', [])).toBe(false);
  });

  it('currentAbsence ignores past and future ones and prefers the one ending last', () => {
    expect(currentAbsence('2026-05-04', absences)).toBeUndefined();
    expect(currentAbsence('2026-05-03', absences)).toEqual({ from: '2026-05-01', to: '2026-05-03' });
    expect(currentAbsence('2026-06-11', absences)).toEqual({ from: '2026-06-10', to: '2026-06-12' });
    expect(currentAbsence('2026-06-12', absences)).toEqual({ from: '2026-06-12', to: '2026-06-20' });
    expect(currentAbsence('2026-06-12', undefined)).toBeUndefined();
  });
});

describe('addDays', () => {
  it('is calendar arithmetic, unaffected by DST', () => {
    expect(addDays('2026-03-28', 1)).toBe('2026-03-29');
    expect(addDays('2026-03-29', 1)).toBe('2026-03-30');
    expect(addDays('2026-10-24', 2)).toBe('2026-10-26');
    expect(addDays('2026-10-26', -2)).toBe('2026-10-24');
  });

  it('crosses month and year ends, and leap days', () => {
    expect(addDays('2026-01-31', 1)).toBe('2026-02-01');
    expect(addDays('2026-02-28', 1)).toBe('2026-03-01');
    expect(addDays('2028-02-28', 1)).toBe('2028-02-29');
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28');
    expect(addDays('2026-06-10', 0)).toBe('2026-06-10');
  });

  it('refuses what is not a date or a whole number of days', () => {
    expect(() => addDays('2026-02-30', 1)).toThrow(RangeError);
    expect(() => addDays('2026-06', 1)).toThrow(RangeError);
    expect(() => addDays('2026-06-10T00:00', 1)).toThrow(RangeError);
    expect(() => addDays('2026-06-10', 1.5)).toThrow(RangeError);
  });
});

describe('minute keys', () => {
  it('drop seconds and round-trip', () => {
    const at = z('2026-06-10T07:05:42.123Z');
    expect(minuteKey(at)).toBe('202606100705');
    expect(minuteStart('202606100705')).toEqual(z('2026-06-10T07:05:00Z'));
    expect(minuteKey(minuteStart('202606100705'))).toBe('202606100705');
    // UTC, whatever the local offset: a Rome DST instant keys by its UTC minute.
    expect(minuteKey(z('2026-03-29T01:00:00Z'))).toBe('202603290100');
  });

  it('step across hour, day, month and year boundaries', () => {
    expect(nextMinuteKey('202606100705')).toBe('202606100706');
    expect(nextMinuteKey('202603281059')).toBe('202603281100');
    expect(nextMinuteKey('202603282359')).toBe('202603290000');
    expect(nextMinuteKey('202602282359')).toBe('202603010000');
    expect(nextMinuteKey('202612312359')).toBe('202701010000');
  });

  it('refuse malformed or impossible keys', () => {
    expect(() => minuteStart('20260610070')).toThrow(RangeError);
    expect(() => minuteStart('2026061007051')).toThrow(RangeError);
    expect(() => minuteStart('202602300000')).toThrow(RangeError);
    expect(() => minuteStart('202606102400')).toThrow(RangeError);
    expect(() => minuteStart('2026-06-10T07')).toThrow(RangeError);
    expect(() => minuteKey(new Date(Number.NaN))).toThrow(RangeError);
  });
});
