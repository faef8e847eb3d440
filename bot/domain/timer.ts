/**
 * One mechanism for everything that happens later: a timer has a kind, a due
 * instant and its data. Ids are deterministic for what they stand for, so
 * scheduling the same thing twice leaves one timer.
 */
export type TimerKind = 'prompt' | 'rung' | 'escalate';

export interface Timer {
  id: string;
  kind: TimerKind;
  /** ISO instant. */
  due: string;
  data: Record<string, unknown>;
}

/** Due timers are spread over this many index partitions per minute. */
export const timerShards = 16;

/** A stable shard for a timer id (FNV-1a). */
export function shardOf(id: string, shards = timerShards): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) {
    hash ^= id.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash % shards;
}

export const timerIds = {
  /** The elder's next daily prompt: one at a time, replaced when the schedule changes. */
  prompt: (elderId: string) => `prompt.${elderId}`,
  rung: (elderId: string, localDate: string, rung: string) => `rung.${elderId}.${localDate}.${rung}`,
  escalate: (alertId: string, round: number) => `esc.${alertId}.${round}`,
};
