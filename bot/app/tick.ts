import { hoursBetween } from '../domain/timer.js';
import type { Claimed, ClaimedTimer } from '../core/ports.js';
import { escalate } from './alerts/alerts.js';
import { fireRung } from './checkins/checkins.js';
import { firePrompts, notClaimed, settleAll, type FireOutcome } from './checkins/wave.js';
import { fireWave } from './requests/routing.js';
import { liveAgain } from './live.js';
import { fireRequestExpiry } from './requests/expiry.js';
import { fireWeeklyFigures } from './figures/figures.js';
import type { AppDeps } from './common/deps.js';
import { releaseHeldNotice } from './common/quiet-hours.js';
import { countBroadcastOutcome } from './broadcast/report.js';

export interface TickOptions {
  /** Who claims (for leases); unique per run. */
  claimer: string;
  /** How long a claim holds before another tick may take the timer over (the claimer died). */
  leaseSeconds?: number;
  /** The longest gap one run catches up, in hours. */
  maxHours?: number;
  /** Shards queried at once. */
  concurrency?: number;
  /**
   * The shards this run fires (a worker of the fanned-out tick), with a cursor of their own;
   * default all of them, on the one cursor.
   */
  group?: { name: string; shards: number[] };
  /**
   * The scheduled run of the fanned-out tick: it fires the minute itself only while at most this
   * many timers are due (of every kind; each query reads no more than would take the count over).
   * More, and it stops before firing them and reports `heavy`: the minute is the workers'.
   */
  fanOutAbove?: number;
  /** Groups of ten prompts in flight at once (default 8). */
  promptGroupsInFlight?: number;
  /** Called after each claim (tests use it to kill a tick half way). */
  afterClaim?: (timer: ClaimedTimer) => void;
}

export interface TickReport {
  /** Hour buckets read. */
  hours: number;
  fired: number;
  /** Timers another live tick holds: the cursor stays behind them. */
  waiting: number;
  cursor: string | null;
  /** More than `fanOutAbove` were due: this run left them (and its cursor) to the workers. */
  heavy: boolean;
}

type OneByOne = Exclude<ClaimedTimer, { kind: 'prompt' }>;

/** Each kind of timer but prompts (they fire in groups: `firePrompts`) to its use case; exhaustive. */
function handle(deps: AppDeps, timer: OneByOne, now: Date): Promise<void> {
  switch (timer.kind) {
    case 'rung':
      return fireRung(deps, timer, now);
    case 'escalate':
      return escalate(deps, timer, now);
    case 'wave':
      return fireWave(deps, timer, now);
    case 'held':
      return releaseHeldNotice(
        deps,
        timer,
        now,
        (messages) => liveAgain(deps, messages),
        // A broadcast's report waits for every copy: one for someone who left has its outcome now.
        (message) => countBroadcastOutcome(deps, message, 'unreachable'),
      );
    case 'requestExpiry':
      return fireRequestExpiry(deps, timer, now);
    case 'figures':
      return fireWeeklyFigures(deps, timer, now);
    default: {
      const unknownKind: never = timer;
      return unknownKind;
    }
  }
}

/**
 * The per-minute tick: fires every timer due up to `now`. It reads the hour
 * buckets from the stored cursor to now (catching up after missed ticks; one
 * query per shard and hour, for only the timers due), claims each timer with a
 * conditional write so two ticks at once, or a tick re-run after one died,
 * fire each timer once, and moves the cursor when nothing is left behind.
 * Prompts fire in groups of ten (`firePrompts`). A worker of the fanned-out
 * tick runs this for its group of shards, on the group's own cursor. With
 * `fanOutAbove`, an hour's timers fire only once all of them are read and the
 * run's count is still within it; the first hour that goes over ends the run
 * (`heavy`), the cursor where it was.
 */
export async function runTick(deps: AppDeps, now: Date, options: TickOptions): Promise<TickReport> {
  const { timers } = deps;
  const lease = options.leaseSeconds ?? 90;
  const cursorName = options.group?.name;
  const cursor = await startingCursor(timers, cursorName);
  const maxBack = new Date(now.getTime() - (options.maxHours ?? 48) * 3600_000);
  // A little before the cursor is read again: a timer scheduled late for an instant just passed is not lost.
  const from = cursor ? new Date(Math.min(Date.parse(cursor), now.getTime()) - 2 * 60_000) : maxBack;
  const hours = hoursBetween(from < maxBack ? maxBack : from, now);

  const report: TickReport = { hours: hours.length, fired: 0, waiting: 0, cursor, heavy: false };
  const shards = options.group?.shards ?? [...Array(timers.shards).keys()];
  const concurrency = options.concurrency ?? shards.length;
  const cap = options.fanOutAbove;
  let read = 0;
  let lost = 0;
  // A timer whose use case fails holds back no other: the rest of its shard, the other shards and
  // the prompts still go; the run then fails with it (the cursor stays, the claim runs out, a later
  // minute tries it again). A run cut short (`afterClaim` throws, as a dying Lambda) is not this.
  const failures: unknown[] = [];
  const failed = (err: unknown): FireOutcome => {
    if (!(err instanceof UseCaseFailed)) throw err;
    failures.push(err.cause);
    return 'waiting';
  };
  const count = (outcomes: FireOutcome[]) => {
    for (const o of outcomes) {
      if (o === 'fired') report.fired++;
      if (o === 'waiting') report.waiting++;
      if (o === 'gone') lost++;
    }
  };
  // The prompts of every shard and hour read, fired together in groups of ten (one SQS call each).
  const prompts: Claimed<'prompt'>[] = [];
  for (const hour of hours) {
    // Under a cap, no query reads more than would take the run's count over it.
    const limit = cap === undefined ? undefined : cap + 1 - read;
    const due = await eachAtOnce(shards, concurrency, (shard) => timers.due(hour, shard, now, limit));
    read += due.reduce((n, found) => n + found.length, 0);
    if (cap !== undefined && read > cap) return { ...report, heavy: true };
    await eachAtOnce(due, concurrency, async (found) => {
      for (const timer of found) {
        if (timer.kind === 'prompt') prompts.push(timer);
        else count([await fire(deps, timer, now, options, lease).catch(failed)]);
      }
    });
  }
  // In due order (each elder's second of the minute), across shards.
  prompts.sort((x, y) => x.due.localeCompare(y.due) || x.id.localeCompare(y.id));
  count(
    await firePrompts(deps, prompts, now, {
      claimer: options.claimer,
      leaseSeconds: lease,
      ...(options.afterClaim ? { afterClaim: options.afterClaim } : {}),
      ...(options.promptGroupsInFlight ? { groupsInFlight: options.promptGroupsInFlight } : {}),
    }),
  );
  if (failures.length) throw failures[0];
  // The default cursor bounds the groups' too (`startingCursor`), so it does not pass a claim this
  // run lost either: "gone" is judged from the state as read, and another run (a worker) may have
  // claimed the timer meanwhile and may yet die with it. The next minute looks again.
  if (report.waiting === 0 && (cursorName !== undefined || lost === 0)) {
    await timers.advanceCursor(now.toISOString(), cursorName);
    report.cursor = now.toISOString();
  }
  return report;
}

/**
 * Where a run starts reading. A worker's group cursor may be hours behind: the scheduled run
 * handles the light minutes on the default cursor. The default cursor bounds the group's shards
 * as well: only a run on every shard (no `group`) moves it, and only to its `now` once it has read
 * every shard's buckets from that cursor (less the 2-minute margin) on and fired every timer it
 * read: none left waiting, no claim lost (`runTick` above; a heavy run or a failed one returns or
 * throws first; nothing else writes it). So a worker starts from the later of the two, and after a
 * day of light minutes reads the last hour or two, not the day since its own cursor.
 */
async function startingCursor(timers: AppDeps['timers'], group?: string): Promise<string | null> {
  if (group === undefined) return timers.getCursor();
  const [own, all] = await Promise.all([timers.getCursor(group), timers.getCursor()]);
  if (own === null || all === null) return own ?? all;
  return Date.parse(own) > Date.parse(all) ? own : all;
}

/** `run` on each item, `atOnce` at a time; every one runs to its end (or its own failure) first. */
async function eachAtOnce<I, T>(items: I[], atOnce: number, run: (item: I) => Promise<T>): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < items.length; i += atOnce)
    out.push(...(await settleAll(items.slice(i, i + atOnce).map(run))));
  return out;
}

async function fire(
  deps: AppDeps,
  timer: OneByOne,
  now: Date,
  options: TickOptions,
  lease: number,
): Promise<FireOutcome> {
  if (!(await deps.timers.claim(timer, options.claimer, now, lease))) return notClaimed(timer, now);
  options.afterClaim?.(timer);
  try {
    await handle(deps, timer, now);
  } catch (err) {
    throw new UseCaseFailed(err);
  }
  await deps.timers.complete(timer, options.claimer);
  return 'fired';
}

/** A timer's use case threw (not the run itself): `runTick` goes on with the others, then fails. */
class UseCaseFailed extends Error {
  override name = 'UseCaseFailed';
  constructor(cause: unknown) {
    super("a timer's use case failed", { cause });
  }
}
