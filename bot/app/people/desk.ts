import type { CheckIn } from '../../domain/alert.js';
import type { Person } from '../../domain/person.js';
import { findNeighbourhood } from '../../domain/network.js';
import { currentAbsence, localDate, localTime, localWeekday } from '../../domain/schedule.js';
import { reply, type Param, type Reply } from '../../flows/types.js';
import type { AppDeps } from '../common/deps.js';
import type { Turn } from '../common/turn.js';
import { pageButtons, pageLine, pageOf } from './paging.js';

/**
 * The zone at a glance for its mediator: `/today` (each elder's check-in of
 * today) and `/elders` (each elder's relatives and open items). Short lines,
 * what needs her first, in pages she turns with Next and Back (a press edits
 * the list in place where the channel can, and always reads afresh).
 */

/** An elder's check-in today, as the mediator needs to see it. */
export type TodayState =
  'missed' | 'help' | 'unreachable' | 'waiting' | 'fine' | 'heard' | 'later' | 'paused' | 'none';

/** What needs action first; within a state, by name. */
const urgency: readonly TodayState[] = [
  'missed',
  'help',
  'unreachable',
  'waiting',
  'fine',
  'heard',
  'later',
  'paused',
  'none',
];

/** Lines of `/today` in one message: a phone screen. */
export const todayPageSize = 15;
/** Elders of `/elders` in one message: each takes two lines. */
export const eldersPageSize = 7;

interface TodayLine {
  elder: Person;
  state: TodayState;
  /** Local 'HH:MM' the state refers to (asked, answered, due); a date for a pause's end. */
  time?: string;
  until?: string;
}

/** Where an elder's day stands: the check-in if there is one, else why there is none (yet). */
export function todayState(
  elder: Person,
  checkIn: CheckIn | null,
  today: string,
  now: Date,
  timeZone: string,
): Omit<TodayLine, 'elder'> {
  const at = (iso: string) => localTime(new Date(iso), timeZone);
  if (checkIn) {
    if (checkIn.state === 'help')
      return { state: 'help', time: at(checkIn.answeredAt ?? checkIn.promptedAt) };
    if (checkIn.state === 'fine' || checkIn.state === 'heard')
      return { state: checkIn.state, time: at(checkIn.answeredAt ?? checkIn.promptedAt) };
    // Still open: past the reminder, someone else has been told.
    if (checkIn.rungsDone.some((r) => r !== 'reminder'))
      return { state: 'missed', time: at(checkIn.promptedAt) };
    if (elder.unreachableAt) return { state: 'unreachable' };
    return { state: 'waiting', time: at(checkIn.promptedAt) };
  }
  if (elder.unreachableAt) return { state: 'unreachable' };
  const absence = currentAbsence(today, elder.absences);
  if (absence) return { state: 'paused', until: absence.to };
  const days = elder.checkInDays;
  if (!elder.checkInTime || (days && !days.includes(localWeekday(now, timeZone)))) return { state: 'none' };
  return { state: 'later', time: elder.checkInTime };
}

/** `/today` (or one of its pages): the zone's elders and today's check-in, what needs action first. */
export async function showToday(turn: Turn, page?: number): Promise<void> {
  const zoneId = mediatorZone(turn);
  if (!zoneId) return;
  const { deps } = turn;
  const tz = deps.network.timeZone;
  const today = localDate(turn.now, tz);
  const elders = (await deps.store.listPeople(zoneId, 'elder')).filter((e) => e.onboardedAt);
  if (!elders.length) return say(turn, page, reply('desk.noElders'));
  const checkIns = new Map(
    (
      await deps.checkIns.checkInsOn(
        elders.map((e) => e.id),
        today,
      )
    ).map((c) => [c.elderId, c]),
  );
  const lines: TodayLine[] = elders
    .map((elder) => ({ elder, ...todayState(elder, checkIns.get(elder.id) ?? null, today, turn.now, tz) }))
    .sort((a, b) => urgency.indexOf(a.state) - urgency.indexOf(b.state) || byName(a.elder, b.elder));
  const { shown, current, pages } = pageOf(lines, page ?? 1, todayPageSize);
  const text: Param[] = shown.map(({ elder, state, time, until }) => ({
    t: `desk.today.${state}`,
    params: {
      name: elder.name ?? '',
      hood: hoodOf(deps, elder),
      ...(time ? { time } : {}),
      ...(until ? { until: { date: until } } : {}),
    },
  }));
  say(
    turn,
    page,
    reply(
      'desk.today.list',
      { date: { date: today }, lines: { lines: text }, page: pageLine(current, pages) },
      pageButtons('td', current, pages),
    ),
  );
}

/** `/elders` for a mediator (or one of its pages): the zone's elders, their relatives and open items. */
export async function showZoneElders(turn: Turn, page?: number): Promise<void> {
  const zoneId = mediatorZone(turn);
  if (!zoneId) return;
  const { deps } = turn;
  const [people, alerts, requests] = await Promise.all([
    deps.store.listPeople(zoneId, 'elder'),
    deps.alerts.openAlerts(zoneId),
    deps.requests.openRequests(zoneId),
  ]);
  const elders = people.filter((e) => e.onboardedAt);
  if (!elders.length) return say(turn, page, reply('desk.noElders'));
  const count = (ids: string[]) => {
    const n = new Map<string, number>();
    for (const id of ids) n.set(id, (n.get(id) ?? 0) + 1);
    return n;
  };
  const openAlerts = count(alerts.map((a) => a.personId));
  const openRequests = count(requests.map((r) => r.elderId));
  const sorted = elders.sort(
    (a, b) =>
      (openAlerts.get(b.id) ?? 0) - (openAlerts.get(a.id) ?? 0) ||
      (openRequests.get(b.id) ?? 0) - (openRequests.get(a.id) ?? 0) ||
      byName(a, b),
  );
  const { shown, current, pages } = pageOf(sorted, page ?? 1, eldersPageSize);
  // Relatives only for the page shown: its size bounds the reads, not the zone's.
  const links = await Promise.all(
    shown.map(async (e) => (await deps.store.listRelatives(e.id)).filter((l) => l.status === 'confirmed')),
  );
  const relativeIds = links.flat().map((l) => l.relativeId);
  // Their names and phones in batched reads: the calls do not grow with the relatives.
  const relatives = relativeIds.length ? await deps.store.getPeopleWithPrivate(relativeIds) : [];
  const names = new Map(relatives.map(({ person }) => [person.id, person.name ?? '']));
  const phoneOf = new Map(relatives.map(({ person, details }) => [person.id, details.phone]));
  const text: Param[] = shown.map((elder, i) => {
    const family: Param[] = links[i]!.filter((l) => names.has(l.relativeId)).map((l) => {
      const phone = phoneOf.get(l.relativeId);
      const name = names.get(l.relativeId)!;
      return phone ? { t: 'desk.elders.relativePhone', params: { name, phone } } : name;
    });
    return {
      t: 'desk.elders.elder',
      params: {
        name: elder.name ?? '',
        hood: hoodOf(deps, elder),
        relatives: family.length ? { list: family } : { t: 'desk.elders.noRelatives' },
        alerts: openAlerts.get(elder.id) ?? 0,
        requests: openRequests.get(elder.id) ?? 0,
      },
    };
  });
  say(
    turn,
    page,
    reply(
      'desk.elders.list',
      { count: elders.length, lines: { lines: text }, page: pageLine(current, pages) },
      pageButtons('el', current, pages),
    ),
  );
}

/** The presser's zone if they are an onboarded mediator of one; otherwise they are told it is not for them. */
function mediatorZone(turn: Turn): string | null {
  const { person } = turn;
  if (person.role === 'mediator' && person.onboardedAt && person.zoneId) return person.zoneId;
  turn.say(reply('errors.mediatorsOnly'));
  return null;
}

/** A page button's press (a page given) redraws its own message; the command sends a new one. */
function say(turn: Turn, page: number | undefined, r: Reply): void {
  turn.say(page === undefined ? r : { ...r, edit: true });
}

function hoodOf(deps: AppDeps, person: Person): string {
  return findNeighbourhood(deps.network, person.place?.neighbourhoodId)?.hood.name ?? '';
}

function byName(a: Person, b: Person): number {
  return (a.name ?? '').localeCompare(b.name ?? '') || a.id.localeCompare(b.id);
}
