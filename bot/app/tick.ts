import { minuteKey, minuteStart, nextMinuteKey } from '../domain/schedule.js';
import type { TimerKind } from '../domain/timer.js';
import type { ClaimedTimer } from '../ports.js';
import { escalate } from './alerts.js';
import { firePrompt, fireRung } from './checkins.js';
import type { AppDeps } from './deps.js';

export interface TickOptions {
  /** Who claims (for leases); unique per run. */
  claimer: string;
  /** How long a claim holds before another tick may take the timer over (the claimer died). */
  leaseSeconds?: number;
  /** The most minutes one run catches up. */
  maxMinutes?: number;
  /** Parallel shards. */
  concurrency?: number;
  /** Called after each claim (tests use it to kill a tick half way). */
  afterClaim?: (timer: ClaimedTimer) => void;
}

export interface TickReport {
  minutes: number;
  fired: number;
  /** Timers another live claimer holds, or not yet due: their minute stays open. */
  waiting: number;
  cursor: string | null;
}

const handlers: Record<TimerKind, (deps: AppDeps, timer: ClaimedTimer, now: Date) => Promise<void>> = {
  prompt: firePrompt,
  rung: fireRung,
  escalate: (deps, timer) => escalate(deps, timer),
};

/**
 * The per-minute tick: fires every timer due up to `now`, minute by minute
 * from the stored cursor (catching up after missed ticks), each one claimed
 * with a conditional write so two ticks at once, or a tick re-run after one
 * died, fire each timer once. The cursor only passes a minute whose timers
 * are all done. Cost follows what is due: one query per shard and minute,
 * then a few calls per due timer.
 */
export async function runTick(deps: AppDeps, now: Date, options: TickOptions): Promise<TickReport> {
  const { timers } = deps;
  const lease = options.leaseSeconds ?? 90;
  const target = minuteKey(now);
  const cursor = await timers.getCursor();
  // Re-read the last two minutes too: a timer scheduled late into a minute already passed is not lost.
  const floor = minuteKey(new Date(now.getTime() - 2 * 60_000));
  let minute = cursor && nextMinuteKey(cursor) < floor ? nextMinuteKey(cursor) : floor;
  const oldest = minuteKey(new Date(now.getTime() - (options.maxMinutes ?? 24 * 60) * 60_000));
  if (minute < oldest) minute = oldest;

  const report: TickReport = { minutes: 0, fired: 0, waiting: 0, cursor };
  let open = false;
  for (; minute <= target; minute = nextMinuteKey(minute)) {
    report.minutes++;
    let waiting = 0;
    const shards = [...Array(timers.shards).keys()];
    const concurrency = options.concurrency ?? timers.shards;
    for (let i = 0; i < shards.length; i += concurrency) {
      await Promise.all(
        shards.slice(i, i + concurrency).map(async (shard) => {
          for (const timer of await timers.due(minute, shard)) {
            const result = await fire(deps, timer, now, options, lease);
            if (result === 'fired') report.fired++;
            if (result === 'waiting') waiting++;
          }
        }),
      );
    }
    report.waiting += waiting;
    if (waiting > 0) open = true;
    if (!open && minuteStart(minute) <= now) {
      await timers.advanceCursor(minute);
      report.cursor = minute;
    }
  }
  return report;
}

async function fire(
  deps: AppDeps,
  timer: ClaimedTimer,
  now: Date,
  options: TickOptions,
  lease: number,
): Promise<'fired' | 'waiting' | 'gone'> {
  if (Date.parse(timer.due) > now.getTime()) return 'waiting';
  if (!(await deps.timers.claim(timer, options.claimer, now, lease))) {
    const held =
      timer.state === 'firing' && !!timer.leaseUntil && Date.parse(timer.leaseUntil) >= now.getTime();
    return held ? 'waiting' : 'gone';
  }
  options.afterClaim?.(timer);
  await handlers[timer.kind](deps, timer, now);
  await deps.timers.complete(timer, options.claimer);
  return 'fired';
}
