import { counter, isoWeek, networkArea, type FigureAdd } from '../../domain/figures.js';
import type { CheckIn } from '../../domain/alert.js';
import type { HelpRequest } from '../../domain/request.js';
import type { Network } from '../../domain/network.js';
import type { FigureEvent } from '../../core/ports.js';

export const minutesBetween = (from: string, to: Date) =>
  Math.max(0, (to.getTime() - Date.parse(from)) / 60_000);

/** The event's counters on the zone's week and the network's. */
export function weekWrites(zoneId: string | undefined, week: string, add: FigureAdd) {
  return [...(zoneId ? [{ zoneId, week, add }] : []), { zoneId: networkArea, week, add }];
}

/** What a closed check-in adds to the figures: only the elder's own word, not someone who heard from them. */
export function answerEvent(closed: CheckIn, by: string, at: Date, network: Network): FigureEvent | null {
  if (by !== closed.elderId) return null;
  const firstRung = network.checkIn.ladder[0]?.afterMinutes ?? 30;
  const onTime = minutesBetween(closed.promptedAt, at) < firstRung;
  const add = { add: { [counter.answered]: 1, ...(onTime ? { [counter.onTime]: 1 } : {}) } };
  return {
    id: `answer.${closed.elderId}.${closed.localDate}`,
    writes: weekWrites(closed.zoneId, isoWeek(new Date(closed.promptedAt), network.timeZone), add),
  };
}

/** What an accept adds to the figures: one assignment, how long it waited, the volunteer's load (by a hash). */
export function assignEvent(
  request: HelpRequest,
  volunteerId: string,
  at: Date,
  network: Network,
): FigureEvent {
  const add = {
    add: { [counter.assigned]: 1, [counter.hist('assign', minutesBetween(request.createdAt, at))]: 1 },
    volunteerId,
  };
  return {
    id: `assign.${request.id}.${volunteerId}`,
    writes: weekWrites(request.zoneId, isoWeek(at, network.timeZone), add),
  };
}
