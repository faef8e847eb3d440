import { distanceKm, type LatLon } from './geo.js';
import type { Category, DayPart, Person, Weekday } from './person.js';

export const whenKinds = ['asap', 'today', 'tomorrow', 'day'] as const;
export type WhenKind = (typeof whenKinds)[number];

export interface When {
  kind: WhenKind;
  /** Local date 'YYYY-MM-DD' (today, tomorrow or the chosen day). */
  date: string;
  part?: DayPart;
}

export type RequestState = 'open' | 'assigned' | 'done' | 'closed' | 'cancelled';

/** A help request. Address and phone are not here: they are read from the elder's private item when assigned. */
export interface HelpRequest {
  id: string;
  elderId: string;
  createdBy: string;
  zoneId: string;
  neighbourhoodId: string;
  lat: number;
  lon: number;
  category: Category;
  when: When;
  note?: { text?: string; voiceFileId?: string };
  urgent: boolean;
  state: RequestState;
  /** Offer rounds so far (each wave, and each re-routing, is a round). */
  wave: number;
  /** The current round's stage: 1 nearest, 2 wider, 3 whole zone. */
  stage: number;
  /** Confirmed relatives when the request was made: they follow it. */
  followers: string[];
  /** Volunteers who got an offer (in any wave). */
  offeredTo: string[];
  /** Volunteers who said "not this time" or released it: not offered again. */
  excluded: string[];
  /** Where each offer message is, to edit it: volunteer id → "chat:message". */
  offerMsgs?: Record<string, string>;
  assignedTo?: string;
  assignedAt?: string;
  /** The assigned volunteer's message with the elder's details, stripped when the task ends. */
  assignedMsg?: string;
  /** Where the elder's voice note landed under that message (Telegram "chat:message"): deleted when the task ends. */
  assignedVoiceMsg?: string;
  createdAt: string;
  /** The assigned volunteer's word on how the elder seemed, given once after the task. */
  wellbeing?: 'well' | 'worried';
  doneAt?: string;
  closedAt?: string;
  /**
   * Urgent in quiet hours after offers for the same elder had already woken volunteers within the
   * hour: this one went to the zone's mediators only (see `nightRoundBefore`).
   */
  mediatorOnly?: boolean;
}

export interface RoutingRules {
  wave1Size: number;
  wave2Size: number;
  /** Wave 2 reaches volunteers up to their own radius times this. */
  wave2RadiusFactor: number;
}

export interface Candidate {
  volunteer: Person;
  km: number;
  /** Tasks in the last 7 days. */
  recent: number;
  continuity: boolean;
  sharedLanguage: boolean;
}

/** Distance counts in bands of this size, so fairness decides between neighbours at about the same distance. */
const bandKm = 0.5;

/**
 * Ranking: by distance band, where helping this elder before counts as one
 * band nearer and a shared language half a band; then fewest tasks in the last
 * 7 days; then exact distance.
 */
export function rank(candidates: Candidate[]): Candidate[] {
  const score = (c: Candidate) =>
    Math.floor(c.km / bandKm) - (c.continuity ? 1 : 0) - (c.sharedLanguage ? 0.5 : 0);
  return [...candidates].sort(
    (a, b) =>
      score(a) - score(b) ||
      a.recent - b.recent ||
      a.km - b.km ||
      a.volunteer.id.localeCompare(b.volunteer.id),
  );
}

/** The day part of a local hour. */
export function dayPartOf(hour: number): DayPart {
  return hour < 13 ? 'morning' : hour < 18 ? 'afternoon' : 'evening';
}

/**
 * Whether a volunteer can be offered this request: approved and available,
 * helps with the category, free on that day (and part of day when known),
 * within reach (their radius times `radiusFactor`; Infinity for the whole zone),
 * and not excluded or already offered.
 */
export function eligible(
  volunteer: Person,
  request: Pick<HelpRequest, 'category' | 'lat' | 'lon' | 'excluded' | 'offeredTo' | 'zoneId'>,
  day: { weekday: Weekday; part?: DayPart },
  radiusFactor: number,
): number | null {
  const v = volunteer.volunteer;
  if (volunteer.role !== 'volunteer' || !v || v.status !== 'approved' || v.available === false) return null;
  if (!volunteer.place || !v.categories.includes(request.category)) return null;
  if (request.excluded.includes(volunteer.id) || request.offeredTo.includes(volunteer.id)) return null;
  if (v.days.length && !v.days.includes(day.weekday)) return null;
  if (day.part && v.dayParts.length && !v.dayParts.includes(day.part)) return null;
  const km = distanceKm(volunteer.place as LatLon, request);
  if (radiusFactor !== Infinity && km > v.radiusKm * radiusFactor) return null;
  if (radiusFactor === Infinity && volunteer.zoneId !== request.zoneId) return null;
  return km;
}

/** Whether this volunteer's accept can win: still open, offered to her, not declined by her (the accept's condition). */
export function openTo(r: HelpRequest, volunteerId: string): boolean {
  return r.state === 'open' && r.offeredTo.includes(volunteerId) && !r.excluded.includes(volunteerId);
}

/** Tasks within the 7 days before `now`. */
export function recentTasks(volunteer: Person, now: Date): number {
  const since = now.getTime() - 7 * 86400_000;
  return (volunteer.volunteer?.recentTasks ?? []).filter((t) => Date.parse(t) >= since).length;
}

/** Rough distance for an offer: never exact, so nobody can place the elder. */
export function roughKm(km: number): number {
  return km < 0.5 ? 0.5 : Math.round(km * 2) / 2;
}

/** What a volunteer's `/mydata` shows of a request she was offered or assigned. */
export interface TaskView {
  entity: 'task';
  requestId: string;
  category: Category;
  when: When;
  neighbourhoodId: string;
  state: RequestState;
  /** Her part in it: offered, said no (or let it go), holds it, or did it. */
  yours: 'offered' | 'declined' | 'assigned' | 'done';
  createdAt: string;
  assignedAt?: string;
  doneAt?: string;
  wellbeing?: 'well' | 'worried';
}

/**
 * A request as its volunteer may see it in her own data: what the offer showed and her own part
 * (when she took it and did it, the word she left). Nothing of the elder (not even the opaque id),
 * the note or the other volunteers: those were never hers, or only while the task was open.
 */
export function taskView(r: HelpRequest, volunteerId: string): TaskView {
  const hers = r.assignedTo === volunteerId;
  const done = hers && (r.state === 'done' || r.state === 'closed' || !!r.doneAt);
  return {
    entity: 'task',
    requestId: r.id,
    category: r.category,
    when: r.when,
    neighbourhoodId: r.neighbourhoodId,
    state: r.state,
    yours: done ? 'done' : hers ? 'assigned' : r.excluded.includes(volunteerId) ? 'declined' : 'offered',
    createdAt: r.createdAt,
    ...(hers && r.assignedAt ? { assignedAt: r.assignedAt } : {}),
    ...(hers && r.doneAt ? { doneAt: r.doneAt } : {}),
    ...(hers && r.wellbeing ? { wellbeing: r.wellbeing } : {}),
  };
}
