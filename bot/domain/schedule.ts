import { DateTime } from 'luxon';
import { weekdays, type Weekday } from './person.js';

/**
 * Calendar and wall-clock rules for check-ins and quiet hours.
 *
 * Pure: no clock is read here (not even luxon's `DateTime.now()`); every function takes the
 * instants it reasons about. Time-zone offsets always come from luxon's zone data, never from
 * hand-written arithmetic.
 *
 * Two DST rules are enforced explicitly because luxon's defaults do not match them:
 * - A local time that does not exist (spring-forward gap) moves to the first valid instant after
 *   the gap. Luxon instead shifts it by the length of the gap (02:30 → 03:30 in Europe/Rome),
 *   which would make a check-in late by the minutes it fell into the gap.
 * - An ambiguous local time (fall-back overlap) uses the earlier occurrence. Luxon picks an offset
 *   based on the offset the zone has *at the moment the code runs* (`Settings.now()`), so the
 *   same call answers differently in summer and in winter: not acceptable for a pure function.
 */

/** A planned absence: local dates 'YYYY-MM-DD', inclusive at both ends. */
export interface Absence {
  from: string;
  to: string;
}

/** When an elder is asked "how are you?": local time 'HH:MM' on the given weekdays. */
export interface CheckInSchedule {
  time: string;
  days: readonly Weekday[];
  absences?: readonly Absence[];
}

/** 'HH:MM' local; may wrap midnight (21:00–08:00) or not (13:00–15:00); start === end means none. */
export interface QuietHours {
  start: string;
  end: string;
}

const datePattern = /^\d{4}-\d{2}-\d{2}$/;
const timePattern = /^([01]\d|2[0-3]):[0-5]\d$/;
const minuteKeyPattern = /^\d{12}$/;
const minuteKeyFormat = 'yyyyLLddHHmm';
/** How far ahead nextCheckIn looks before giving up (a year of absences plus slack). */
const searchDays = 400;
const hourMs = 3_600_000;

/** The instant as a luxon DateTime in `timeZone`; throws on an invalid Date or unknown zone. */
function inZone(at: Date, timeZone: string): DateTime<true> {
  const dt = DateTime.fromJSDate(at, { zone: timeZone });
  if (!dt.isValid)
    throw new RangeError(`Invalid instant or time zone "${timeZone}": ${dt.invalidExplanation}`);
  return dt;
}

/** A 'YYYY-MM-DD' calendar date as a zone-less (UTC) DateTime, so day arithmetic never meets DST. */
function calendarDate(date: string): DateTime<true> {
  const dt = DateTime.fromISO(date, { zone: 'utc' });
  // The pattern check matters: fromISO would also accept '2026-03' or a full timestamp.
  if (!datePattern.test(date) || !dt.isValid) throw new RangeError(`Invalid local date "${date}"`);
  return dt;
}

/** Minutes since local midnight of an 'HH:MM' time; throws when it is not one. */
function minutesOfDay(time: string): number {
  if (!timePattern.test(time)) throw new RangeError(`Invalid local time "${time}"`);
  return Number(time.slice(0, 2)) * 60 + Number(time.slice(3, 5));
}

/**
 * Every instant at which the wall clock in `timeZone` reads `date` `time`, earliest first:
 * one instant normally, two in a fall-back overlap, and for a time skipped by a spring-forward
 * gap the single instant the gap ends (the first valid instant after the wanted time).
 */
function localInstants(date: string, time: string, timeZone: string): DateTime<true>[] {
  calendarDate(date);
  minutesOfDay(time);
  const wanted = DateTime.fromISO(`${date}T${time}`, { zone: timeZone });
  if (!wanted.isValid) throw new RangeError(`Invalid time zone "${timeZone}": ${wanted.invalidExplanation}`);

  if (wanted.toFormat("yyyy-MM-dd'T'HH:mm") === `${date}T${time}`) {
    // The time exists. Ask luxon for both readings instead of trusting its pick, which depends on
    // the current real-world date (see the module comment).
    return wanted
      .getPossibleOffsets()
      .filter((dt): dt is DateTime<true> => dt.isValid)
      .sort((a, b) => a.toMillis() - b.toMillis());
  }

  // The wall clock never shows this time. Luxon moved it past the gap (by the gap's length), so
  // `wanted` carries the post-gap offset and the transition lies within the 24 hours before it.
  // Binary-search luxon's zone data for the first instant with the post-gap offset: that is the
  // end of the gap, whatever the gap's length or the hour it happens at.
  const after = wanted.offset;
  const offsetAt = (ms: number): number => DateTime.fromMillis(ms, { zone: timeZone }).offset;
  let hi = wanted.toMillis();
  let lo = hi - 24 * hourMs;
  if (offsetAt(lo) === after) throw new Error(`No offset change found before ${date}T${time} in ${timeZone}`);
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (offsetAt(mid) === after) hi = mid;
    else lo = mid;
  }
  return [inZone(new Date(hi), timeZone)];
}

/** The weekday of a calendar date; luxon numbers Monday 1 … Sunday 7, as `weekdays` is ordered. */
function weekdayOf(dt: DateTime<true>): Weekday {
  return weekdays[dt.weekday - 1]!;
}

/**
 * The first check-in instant strictly after `after`, in `timeZone`: skips weekdays not in `days`
 * and local dates inside an absence. `localDate` is the date the check-in belongs to. A time
 * skipped by DST moves to the end of the gap; an ambiguous one uses the earlier occurrence.
 * null when `days` is empty or nothing is found within 400 days.
 */
export function nextCheckIn(
  schedule: CheckInSchedule,
  timeZone: string,
  after: Date,
): { at: Date; localDate: string } | null {
  minutesOfDay(schedule.time);
  if (schedule.days.length === 0) return null;
  const afterMs = inZone(after, timeZone).toMillis();
  // Start one day early: a check-in that DST pushed past midnight could belong to yesterday.
  const start = addDays(localDate(after, timeZone), -1);
  for (let i = 0; i <= searchDays + 1; i++) {
    const date = addDays(start, i);
    if (!schedule.days.includes(weekdayOf(calendarDate(date)))) continue;
    if (isAbsent(date, schedule.absences)) continue;
    const at = localInstants(date, schedule.time, timeZone)[0]!;
    if (at.toMillis() > afterMs) return { at: at.toJSDate(), localDate: date };
  }
  return null;
}

/** The local calendar date 'YYYY-MM-DD' of an instant in `timeZone`. */
export function localDate(at: Date, timeZone: string): string {
  return inZone(at, timeZone).toISODate();
}

/** The local weekday of an instant in `timeZone`, as a Weekday ('mon' … 'sun'). */
export function localWeekday(at: Date, timeZone: string): Weekday {
  return weekdayOf(inZone(at, timeZone));
}

/**
 * Whether an instant falls inside the quiet hours (start inclusive, end exclusive), judged by the
 * local wall clock: during a fall-back night the repeated hour is judged twice, the same way.
 * start === end means there are no quiet hours.
 */
export function isQuiet(at: Date, quiet: QuietHours, timeZone: string): boolean {
  const start = minutesOfDay(quiet.start);
  const end = minutesOfDay(quiet.end);
  const local = inZone(at, timeZone);
  // Seconds can be ignored: the boundaries are whole minutes, so 07:59:59 < 08:00 ≤ 08:00:30.
  const now = local.hour * 60 + local.minute;
  if (start === end) return false;
  return start < end ? now >= start && now < end : now >= start || now < end;
}

/**
 * `at` itself if not quiet; otherwise the instant the current quiet period ends: the first
 * instant after `at` at which the local clock reads `quiet.end` (or, if DST skips that time,
 * the end of the gap).
 */
export function afterQuiet(at: Date, quiet: QuietHours, timeZone: string): Date {
  if (!isQuiet(at, quiet, timeZone)) return at;
  const atMs = at.getTime();
  const today = localDate(at, timeZone);
  // The end is today (morning part, or a window that does not wrap) or tomorrow (evening part).
  // All readings of an ambiguous end count: after the first 02:30 of a fall-back night the clock
  // shows 02:xx again, and that quiet stretch ends at the second 02:30.
  for (let i = 0; i <= 2; i++) {
    const end = localInstants(addDays(today, i), quiet.end, timeZone).find((dt) => dt.toMillis() > atMs);
    if (end) return end.toJSDate();
  }
  throw new Error(
    `Quiet hours ${quiet.start}–${quiet.end} in ${timeZone} do not end after ${at.toISOString()}`,
  );
}

/** Whether a local date 'YYYY-MM-DD' lies inside any absence (both ends inclusive). */
export function isAbsent(date: string, absences: readonly Absence[] | undefined): boolean {
  return currentAbsence(date, absences) !== undefined;
}

/**
 * The absence covering `date` (both ends inclusive), if any. Absences whose `to` is before
 * `date` are past and those whose `from` is after it are future; neither counts. When several
 * overlap, the one ending last, since that is when check-ins resume.
 */
export function currentAbsence(date: string, absences: readonly Absence[] | undefined): Absence | undefined {
  let found: Absence | undefined;
  // 'YYYY-MM-DD' strings order like the dates they name, so plain comparison is enough.
  for (const absence of absences ?? []) {
    if (absence.from <= date && date <= absence.to && (!found || absence.to > found.to)) found = absence;
  }
  return found;
}

/**
 * Adds whole days (negative to go back) to a 'YYYY-MM-DD' date. Pure calendar arithmetic on a
 * zone-less date, so a DST change cannot turn a day into 23 or 25 hours.
 */
export function addDays(date: string, days: number): string {
  if (!Number.isInteger(days)) throw new RangeError(`Days must be a whole number, got ${days}`);
  return calendarDate(date).plus({ days }).toISODate();
}

/** The UTC minute key 'YYYYMMDDHHmm' of an instant, seconds dropped: a stable bucket for the tick. */
export function minuteKey(at: Date): string {
  return inZone(at, 'utc').toFormat(minuteKeyFormat);
}

/** The instant a minute key 'YYYYMMDDHHmm' (UTC) starts; throws on a malformed or impossible key. */
export function minuteStart(key: string): Date {
  const dt = DateTime.fromFormat(key, minuteKeyFormat, { zone: 'utc' });
  // The round trip rejects what luxon's parser tolerates (e.g. out-of-range fields).
  if (!minuteKeyPattern.test(key) || !dt.isValid || dt.toFormat(minuteKeyFormat) !== key) {
    throw new RangeError(`Invalid minute key "${key}"`);
  }
  return dt.toJSDate();
}

/** The minute key following `key`, across hour, day, month and year boundaries. */
export function nextMinuteKey(key: string): string {
  return minuteKey(new Date(minuteStart(key).getTime() + 60_000));
}

/** Local 'HH:mm' of an instant, for messages. */
export function localTime(at: Date, timeZone: string): string {
  return DateTime.fromJSDate(at, { zone: timeZone }).toFormat('HH:mm');
}

/** Local 'dd/MM' of an instant, for messages. */
export function localDay(at: Date, timeZone: string): string {
  return DateTime.fromJSDate(at, { zone: timeZone }).toFormat('dd/MM');
}
