import { counter, isoWeek, networkArea, type FigureAdd } from '../../domain/figures.js';
import type { Network } from '../../domain/network.js';
import type { Person } from '../../domain/person.js';
import type { CheckIn } from '../../domain/alert.js';
import type { HelpRequest } from '../../domain/request.js';
import type { Alerts, CheckIns, Clock, FigureEvent, Figures, Requests, Store } from '../../core/ports.js';
import { answerEvent, minutesBetween, weekWrites } from '../common/figure-events.js';
import { decorate } from '../common/decorate.js';

/**
 * The weekly figures counted where things happen: the check-in, alert, request
 * and people ports, each wrapped so that a move that took place (a conditional
 * write that held) is counted once, by an event id a re-run names again. The
 * use cases stay as they are.
 */
export interface FigureCounting {
  figures: Figures;
  network: Network;
  clock: Clock;
}

function countOf(c: FigureCounting) {
  return (id: string, zoneId: string | undefined, at: Date, add: FigureAdd) =>
    c.figures.count({ id, writes: weekWrites(zoneId, isoWeek(at, c.network.timeZone), add) });
}

/**
 * The prompts a wave opened, counted in one write at its end (`id` names the
 * run): one per prompt would make every prompt's write touch the same counter
 * items, the hottest keys of the morning. Only prompts whose check-in this run
 * created are given, so a re-run counts nothing twice; a run that dies before
 * its end leaves its prompts uncounted (figures, not the books).
 */
export function waveCount(id: string, opened: CheckIn[], timeZone: string): FigureEvent | null {
  if (!opened.length) return null;
  const sums = new Map<string, { zoneId: string | undefined; week: string; n: number }>();
  for (const c of opened) {
    const week = isoWeek(new Date(c.promptedAt), timeZone);
    const key = `${c.zoneId ?? ''}|${week}`;
    const sum = sums.get(key) ?? { zoneId: c.zoneId, week, n: 0 };
    sum.n++;
    sums.set(key, sum);
  }
  return {
    id,
    writes: [...sums.values()].flatMap((s) =>
      weekWrites(s.zoneId, s.week, { add: { [counter.prompted]: s.n } }),
    ),
  };
}

export function countCheckIns<T extends CheckIns>(inner: T, c: FigureCounting): T {
  const count = countOf(c);
  return decorate<CheckIns, T>(inner, {
    async createCheckIn(checkIn) {
      const created = await inner.createCheckIn(checkIn);
      if (created)
        await count(
          `prompt.${checkIn.elderId}.${checkIn.localDate}`,
          checkIn.zoneId,
          new Date(checkIn.promptedAt),
          {
            add: { [counter.prompted]: 1 },
          },
        );
      return created;
    },
    async closeCheckIn(elderId, localDate, state, by, at) {
      const closed = await inner.closeCheckIn(elderId, localDate, state, by, at);
      const event = closed && answerEvent(closed, by, at, c.network);
      if (event) await c.figures.count(event);
      return closed;
    },
  });
}

export function countAlerts<T extends Alerts>(inner: T, c: FigureCounting): T {
  const count = countOf(c);
  return decorate<Alerts, T>(inner, {
    async raise(alert) {
      const raised = await inner.raise(alert);
      if (raised.created) {
        const at = new Date(alert.createdAt);
        await count(`alert.${alert.id}`, alert.zoneId, at, { add: { [counter.alert(alert.kind)]: 1 } });
        // Rounds of one request are one request nobody took.
        if (alert.kind === 'unassignedRequest' && alert.requestId)
          await count(`unassigned.${alert.requestId}`, alert.zoneId, at, {
            add: { [counter.unassigned]: 1 },
          });
      }
      return raised;
    },
    async acknowledge(id, by, at) {
      const acked = await inner.acknowledge(id, by, at);
      if (acked)
        await count(`ack.${id}`, acked.zoneId, at, {
          add: { [counter.acked]: 1, [counter.hist('ack', minutesBetween(acked.createdAt, at))]: 1 },
        });
      return acked;
    },
    async resolve(id, by, at, retentionDays) {
      const resolved = await inner.resolve(id, by, at, retentionDays);
      if (resolved)
        await count(`resolve.${id}`, resolved.zoneId, at, {
          add: {
            [counter.resolved]: 1,
            [counter.hist('resolve', minutesBetween(resolved.createdAt, at))]: 1,
          },
        });
      return resolved;
    },
  });
}

export function countRequests<T extends Requests>(inner: T, c: FigureCounting): T {
  const count = countOf(c);
  return decorate<Requests, T>(inner, {
    async createRequest(request: HelpRequest) {
      await inner.createRequest(request);
      // A re-run writes the same request again; its id counts it once.
      await count(`request.${request.id}`, request.zoneId, new Date(request.createdAt), {
        add: { [counter.requested]: 1, [counter.category(request.category)]: 1 },
      });
    },
    async markDone(request, volunteerId, now) {
      const done = await inner.markDone(request, volunteerId, now);
      await count(`done.${request.id}.${volunteerId}`, request.zoneId, now, {
        add: {
          [counter.completed]: 1,
          [counter.hist('complete', minutesBetween(request.createdAt, now))]: 1,
        },
      });
      return done;
    },
  });
}

/** Where a person counts among people by role: onboarded, with a role (and a zone, for the zone's count). */
const place = (p: Person | null) => (p?.onboardedAt && p.role ? { role: p.role, zoneId: p.zoneId } : null);

/** People by role: moved when someone finishes onboarding or changes zone. Erasure calls `countLeaving`. */
export function countPeople<T extends Store>(inner: T, c: FigureCounting): T {
  return decorate<Store, T>(inner, {
    async savePerson(person, read) {
      await inner.savePerson(person, read);
      // Written whole (read null): nothing known of before, so nothing moves.
      if (!read) return;
      const before = place(read);
      const after = place(person);
      if (before?.role === after?.role && before?.zoneId === after?.zoneId) return;
      await c.figures.count({
        id: `people.${person.id}.${before?.zoneId}.${before?.role}.${after?.zoneId}.${after?.role}.${c.clock.now().toISOString()}`,
        writes: [...peopleWrites(before, -1), ...peopleWrites(after, 1)],
      });
    },
  });
}

function peopleWrites(at: { role: string; zoneId?: string } | null, n: number) {
  if (!at) return [];
  const add = { add: { [`role_${at.role}`]: n } };
  return [
    ...(at.zoneId ? [{ zoneId: at.zoneId, week: 'people', add }] : []),
    { zoneId: networkArea, week: 'people', add },
  ];
}

/** Someone leaves (erasure): one fewer of their role where they counted. */
export async function countLeaving(figures: Figures, person: Person): Promise<void> {
  const at = place(person);
  if (at) await figures.count({ id: `people.gone.${person.id}`, writes: peopleWrites(at, -1) });
}

/** Someone's request left open for its whole retention period. */
export async function countExpired(
  figures: Figures,
  network: Network,
  request: HelpRequest,
  now: Date,
): Promise<void> {
  await figures.count({
    id: `expired.${request.id}`,
    writes: weekWrites(request.zoneId, isoWeek(now, network.timeZone), { add: { [counter.expired]: 1 } }),
  });
}
