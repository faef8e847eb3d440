import type { TickReport } from '../bot/app/tick.js';
import { hoursBetween, type TimerKind } from '../bot/domain/timer.js';
import type { ClaimedTimer, Timers } from '../bot/core/ports.js';
import type { SimClock } from './clock.js';

/** One tick the clock stopped for, and what was due then. */
export interface Step {
  at: string;
  kind: TimerKind | 'tick';
  /** The ladder's rung, for a rung timer. */
  rung?: string;
  fired: number;
}

export interface Ticking {
  clock: SimClock;
  timers: Timers;
  tick(now: Date): Promise<TickReport>;
}

/** Hour buckets read at once while looking for the next timer (16 shards each). */
const hoursAtOnce = 6;

/** The earliest timer due after `after` and at or before `upTo`, reading hour buckets in order. */
export async function nextDue(timers: Timers, after: Date, upTo: Date): Promise<ClaimedTimer | undefined> {
  const shards = [...Array(timers.shards).keys()];
  const hours = hoursBetween(after, upTo);
  for (let i = 0; i < hours.length; i += hoursAtOnce) {
    const reads = hours
      .slice(i, i + hoursAtOnce)
      .flatMap((hour) => shards.map((shard) => timers.due(hour, shard, upTo)));
    const due = (await Promise.all(reads)).flat().filter((timer) => Date.parse(timer.due) > after.getTime());
    if (due.length > 0) return due.reduce((a, b) => (Date.parse(b.due) < Date.parse(a.due) ? b : a));
  }
  return undefined;
}

/**
 * Moves the clock to `target` as the per-minute tick would have lived it: it
 * stops at each timer due on the way (a prompt, a rung of the ladder, a wave
 * of offers…) and ticks there, so what each one schedules fires in its turn
 * too, and ticks once more at `target`. Jumping straight there would find a
 * check-in prompt hours late, which the tick skips.
 */
export async function advanceTo(ticking: Ticking, target: Date, maxSteps = 500): Promise<Step[]> {
  const { clock, timers } = ticking;
  const steps: Step[] = [];
  while (steps.length < maxSteps) {
    const next = await nextDue(timers, clock.now(), target);
    if (!next) break;
    clock.moveTo(new Date(next.due));
    const report = await ticking.tick(clock.now());
    const rung = next.kind === 'rung' ? (next.data as { rung?: unknown }).rung : undefined;
    steps.push({
      at: next.due,
      kind: next.kind,
      fired: report.fired,
      ...(rung ? { rung: String(rung) } : {}),
    });
  }
  clock.moveTo(target);
  const report = await ticking.tick(clock.now());
  if (report.fired > 0) steps.push({ at: target.toISOString(), kind: 'tick', fired: report.fired });
  return steps;
}
