import { shardGroups } from '../domain/timer.js';
import type { TickWork, TickWorkQueue } from '../core/ports.js';
import type { TickOptions } from './tick.js';

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
 * with the number of groups: a new split starts on cursors of its own).
 */
export function workerOptions(work: TickWork, groups: number): Pick<TickOptions, 'group'> {
  const all = shardGroups(groups);
  const shards = all[work.group];
  if (!shards) throw new Error(`tick work for group ${work.group} of ${all.length}`);
  return { group: { name: `${all.length}.${work.group}`, shards } };
}
