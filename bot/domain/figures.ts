/**
 * The weekly figures a mediator reports to the municipality, kept as counters
 * that are added to when things happen (never by reading everything back).
 * Durations are kept as histograms of minute buckets, so a median can be read
 * from counters alone; it is approximate: the upper bound of the bucket that
 * holds the middle value.
 */
import { DateTime } from 'luxon';
import type { AlertKind } from './alert.js';
import { alertKinds } from './alert.js';
import type { Role } from './person.js';

/** The whole network's figures are kept under this area id (zone ids are the network file's). */
export const networkArea = '*';

/** ISO week of an instant in the network's time zone, e.g. `2026-W49`. */
export function isoWeek(at: Date, timeZone: string): string {
  const d = DateTime.fromJSDate(at, { zone: timeZone });
  return `${d.weekYear}-W${String(d.weekNumber).padStart(2, '0')}`;
}

/** The ISO weeks ending with the one holding `at`, oldest first. */
export function weeksUpTo(at: Date, timeZone: string, count: number): string[] {
  const d = DateTime.fromJSDate(at, { zone: timeZone });
  return Array.from({ length: count }, (_, i) =>
    isoWeek(d.minus({ weeks: count - 1 - i }).toJSDate(), timeZone),
  );
}

/** The Monday (local date) a week starts on. */
export function weekStart(week: string): string {
  const [year, w] = week.split('-W');
  return DateTime.fromObject({ weekYear: Number(year), weekNumber: Number(w), weekday: 1 }).toISODate() ?? '';
}

/** The next Monday at `time` (local) strictly after `now`: when the weekly figures go out. */
export function nextMonday(now: Date, timeZone: string, time = '08:00'): Date {
  const [h, m] = time.split(':').map(Number);
  const local = DateTime.fromJSDate(now, { zone: timeZone });
  let at = local.set({ weekday: 1, hour: h, minute: m, second: 0, millisecond: 0 });
  if (at <= local) at = at.plus({ weeks: 1 });
  return at.toJSDate();
}

/** Upper bounds (minutes) of the duration buckets; the last one holds everything longer. */
export const minuteBuckets = [5, 10, 15, 30, 60, 120, 240, 480, 1440, 2880, 10080, Infinity] as const;

export function bucketOf(minutes: number): number {
  return minuteBuckets.findIndex((upper) => minutes <= upper);
}

/** The durations a histogram is kept for. */
export const durations = ['ack', 'resolve', 'assign', 'complete'] as const;
export type Duration = (typeof durations)[number];

/** Counter names on a week's item. */
export const counter = {
  prompted: 'prompted',
  answered: 'answered',
  onTime: 'onTime',
  alert: (kind: AlertKind) => `alert_${kind}`,
  acked: 'acked',
  resolved: 'resolved',
  requested: 'requested',
  category: (category: string) => `cat_${category}`,
  assigned: 'assigned',
  completed: 'completed',
  expired: 'expired',
  unassigned: 'unassigned',
  hist: (d: Duration, minutes: number) => `h_${d}_${bucketOf(Math.max(0, minutes))}`,
  role: (role: Role) => `role_${role}`,
} as const;

/** Counters to add, and (for an assignment) the volunteer whose load grows. */
export interface FigureAdd {
  add: Record<string, number>;
  volunteerId?: string;
}

/** A week's stored counters of one area (a zone or the whole network). */
export interface WeekCounters {
  week: string;
  counters: Record<string, number>;
  /** Tasks per volunteer (anonymous: only the counts). */
  loads: number[];
}

/** Approximate median of a histogram (the upper bound of the middle bucket); null when empty. */
export function medianMinutes(counters: Record<string, number>, d: Duration): number | null {
  const counts = minuteBuckets.map((_, i) => counters[`h_${d}_${i}`] ?? 0);
  const total = counts.reduce((a, b) => a + b, 0);
  if (!total) return null;
  let seen = 0;
  for (const [i, n] of counts.entries()) {
    seen += n;
    if (seen * 2 >= total) return minuteBuckets[i] ?? null;
  }
  return null;
}

/** One week's figures of one area, worked out from its counters. */
export interface WeekFigures {
  week: string;
  prompted: number;
  answered: number;
  onTime: number;
  /** Whole percent, 0 when nothing was asked. */
  answerRate: number;
  onTimeRate: number;
  alerts: Record<AlertKind, number>;
  acked: number;
  resolved: number;
  medianAck: number | null;
  medianResolve: number | null;
  requested: number;
  categories: Record<string, number>;
  assigned: number;
  completed: number;
  expired: number;
  unassigned: number;
  medianAssign: number | null;
  medianComplete: number | null;
  /** Volunteers who took 1, 2, 3 or more tasks, and the most any took. */
  load: { one: number; two: number; threePlus: number; max: number };
}

const percent = (part: number, whole: number) => (whole ? Math.round((part / whole) * 100) : 0);

export function weekFigures(w: WeekCounters, categories: readonly string[]): WeekFigures {
  const c = (name: string) => w.counters[name] ?? 0;
  return {
    week: w.week,
    prompted: c(counter.prompted),
    answered: c(counter.answered),
    onTime: c(counter.onTime),
    answerRate: percent(c(counter.answered), c(counter.prompted)),
    onTimeRate: percent(c(counter.onTime), c(counter.prompted)),
    alerts: Object.fromEntries(alertKinds.map((k) => [k, c(counter.alert(k))])) as Record<AlertKind, number>,
    acked: c(counter.acked),
    resolved: c(counter.resolved),
    medianAck: medianMinutes(w.counters, 'ack'),
    medianResolve: medianMinutes(w.counters, 'resolve'),
    requested: c(counter.requested),
    categories: Object.fromEntries(categories.map((k) => [k, c(counter.category(k))])),
    assigned: c(counter.assigned),
    completed: c(counter.completed),
    expired: c(counter.expired),
    unassigned: c(counter.unassigned),
    medianAssign: medianMinutes(w.counters, 'assign'),
    medianComplete: medianMinutes(w.counters, 'complete'),
    load: {
      one: w.loads.filter((n) => n === 1).length,
      two: w.loads.filter((n) => n === 2).length,
      threePlus: w.loads.filter((n) => n >= 3).length,
      max: Math.max(0, ...w.loads),
    },
  };
}

/** People by role in an area, as counted on onboarding, zone changes and erasure. */
export type RoleCounts = Record<Role, number>;
