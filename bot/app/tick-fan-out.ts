import { shardGroups } from '../domain/timer.js';
import type { TickWork, TickWorkQueue } from '../core/ports.js';
import type { TickOptions, TickReport } from './tick.js';

/**
 * Timers the scheduled run fires itself; more due in its minute and it hands the minute to the
 * workers. From the morning wave's model (BENCHMARKS.md, "The tick at scale"): about 5.5 ms of CPU
 * per prompt, and 512 MB (the tick's) is 0.29 of a vCPU, so about 19 ms a prompt in one run: 500
 * take about 10 s, a sixth of the minute (the model's latency floor is far below: 80 prompts per
 * 25 ms). A timer of another kind fires alone (a claim, its use case, its completion) but at 16
 * shards at once its round trips stay within the same seconds. The rest of the minute is headroom
 * for a cold start and for a CPU slower than measured; a network whose busiest minute stays under
 * this never fans out.
 */
export const defaultFanOutAbove = 500;

/** Where and when the scheduled run hands its minute on. */
export interface FanOut {
  queue: TickWorkQueue;
  groups: number;
  /** More timers due than this and the minute is the workers' (`TickOptions.fanOutAbove`). */
  above: number;
}

/**
 * The scheduled run when there is a tick queue: it does the minute itself, on every shard and the
 * default cursor, as a run without a queue does, unless more than `fanOut.above` timers are due;
 * then it fires none of them and hands one piece of work per group of shards to the queue. An idle
 * minute so costs one run and no SQS call; the heavy ones (the 09:00 wave) go to the workers.
 */
export async function tickOrFanOut(
  tick: (now: Date, options: Pick<TickOptions, 'fanOutAbove'>) => Promise<TickReport>,
  now: Date,
  fanOut: FanOut,
): Promise<TickReport & { handedOut: number }> {
  const report = await tick(now, { fanOutAbove: fanOut.above });
  const handedOut = report.heavy ? (await fanOutTick(now, fanOut.groups, fanOut.queue)).length : 0;
  return { ...report, handedOut };
}

/**
 * The scheduled tick fanned out: one piece of work per group of shards, so the
 * 09:00 wave is fired by `groups` workers at once, not one Lambda.
 */
export async function fanOutTick(now: Date, groups: number, queue: TickWorkQueue): Promise<TickWork[]> {
  const work = shardGroups(groups).map((_, group) => ({ time: now.toISOString(), group }));
  await queue.hand(work);
  return work;
}

/**
 * A worker's tick options: its group's shards, on its group's cursor (named
 * with the number of groups: a new split starts on cursors of its own, from
 * the default cursor: see `runTick`).
 */
export function workerOptions(work: TickWork, groups: number): Pick<TickOptions, 'group'> {
  const all = shardGroups(groups);
  const shards = all[work.group];
  if (!shards) throw new Error(`tick work for group ${work.group} of ${all.length}`);
  return { group: { name: `${all.length}.${work.group}`, shards } };
}
