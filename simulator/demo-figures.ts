import type { AppDeps } from '../bot/app/common/deps.js';
import { counter, networkArea, weeksUpTo } from '../bot/domain/figures.js';
import type { Person } from '../bot/domain/person.js';

/**
 * The demo's weekly figures: its people counted by role (the demo writes them
 * whole, which the counters do not see) and five made-up past weeks of Nonna
 * Demo's check-ins and requests, so that `/figures` and its chart have
 * something to show on the first day. Each write is an event with its own id:
 * seeding again counts nothing twice.
 */
export async function seedDemoFigures(deps: AppDeps, people: Person[], now: Date): Promise<void> {
  for (const person of people) {
    if (!person.onboardedAt || !person.role) continue;
    const add = { add: { [counter.role(person.role)]: 1 } };
    const zone = person.zoneId ? [{ zoneId: person.zoneId, week: 'people', add }] : [];
    await deps.figures.count({
      id: `people.demo.${person.id}`,
      writes: [...zone, { zoneId: networkArea, week: 'people', add }],
    });
  }
  const zoneId = people.find((p) => p.role === 'elder')?.zoneId;
  if (!zoneId) return;
  // One elder asked every day; a few requests a week, all of them done.
  const answered = [7, 6, 7, 5, 6];
  const onTime = [6, 5, 6, 4, 6];
  const requested = [1, 2, 1, 3, 2];
  const past = weeksUpTo(now, deps.network.timeZone, 6).slice(0, 5);
  for (const [i, week] of past.entries()) {
    const n = requested[i] ?? 0;
    const add = {
      add: {
        [counter.prompted]: 7,
        [counter.answered]: answered[i] ?? 0,
        [counter.onTime]: onTime[i] ?? 0,
        [counter.requested]: n,
        [counter.category('shopping')]: n,
        [counter.assigned]: n,
        [counter.completed]: n,
        [counter.hist('assign', 20)]: n,
        [counter.hist('complete', 300)]: n,
      },
    };
    await deps.figures.count({
      id: `demo.history.${week}`,
      writes: [
        { zoneId, week, add },
        { zoneId: networkArea, week, add },
      ],
    });
  }
}
