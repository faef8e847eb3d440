/**
 * One mechanism for everything that happens later: a timer has a kind, a due
 * instant and its data. Ids are deterministic for what they stand for, so
 * scheduling the same thing twice leaves one timer.
 */
import type { Rung } from './network.js';

/** What each kind of timer carries. */
export interface TimerData {
  /** The elder's daily question of that local date. */
  prompt: { elderId: string; localDate: string };
  /** A rung of the missed check-in ladder. */
  rung: { elderId: string; localDate: string; rung: Rung };
  /** The escalation round of an unacknowledged alert. */
  escalate: { alertId: string; round: number };
  /** The timeout of a round of offers; `held` when the round waits out the night. */
  wave: { requestId: string; round: number; stage: number; held?: boolean };
  /** A notice held through quiet hours: an outbound message (the domain knows no channels). */
  held: {
    message: unknown;
    /** Made by a turn before its commit (a broadcast's overflow): goes only once that turn is committed. */
    afterTurn?: { personId: string; channel: string; updateId: string; at: string };
  };
  /**
   * The end of a request's retention period: still open (nobody took it), it is cancelled; done but
   * never confirmed, it is closed; still assigned, it is looked at again one period later (`round` 2),
   * and ended then.
   */
  requestExpiry: { requestId: string; round?: number };
  /** Monday 08:00: the weekly figures to every mediator; one timer for the network. */
  figures: Record<string, never>;
}

export type TimerKind = keyof TimerData;

/** A timer of one kind: its data is that kind's. */
export interface TimerOf<K extends TimerKind> {
  id: string;
  kind: K;
  /** ISO instant. */
  due: string;
  data: TimerData[K];
}

/** Any timer: a union by kind, so reading `data` after checking `kind` needs no cast. */
export type Timer = { [K in TimerKind]: TimerOf<K> }[TimerKind];

/**
 * Due timers are spread over this many index partitions per hour bucket, so
 * the 09:00 wave (100,000 prompts due in one minute) lands on 16 keys, not one.
 */
export const timerShards = 16;

/** UTC hour bucket 'YYYYMMDDHH' of an instant: the due index's partition, with the shard. */
export function hourKey(at: Date): string {
  return at.toISOString().slice(0, 13).replace(/[-T]/g, '');
}

/** The hour buckets from `from` to `to`, inclusive. */
export function hoursBetween(from: Date, to: Date): string[] {
  const hours: string[] = [];
  const start = Date.UTC(from.getUTCFullYear(), from.getUTCMonth(), from.getUTCDate(), from.getUTCHours());
  for (let t = start; t <= to.getTime(); t += 3600_000) hours.push(hourKey(new Date(t)));
  return hours;
}

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
  /** The timeout of one round of offers for a request. */
  wave: (requestId: string, round: number) => `wave.${requestId}.${round}`,
  requestExpiry: (requestId: string, round = 1) => `reqexp.${requestId}${round > 1 ? `.${round}` : ''}`,
};

/** A request's retention timer: due the retention period after it was made. */
export function requestExpiryTimer(
  r: { id: string; createdAt: string },
  retentionDays: number,
  round = 1,
): TimerOf<'requestExpiry'> {
  return {
    id: timerIds.requestExpiry(r.id, round),
    kind: 'requestExpiry',
    due: new Date(Date.parse(r.createdAt) + round * retentionDays * 86400_000).toISOString(),
    data: { requestId: r.id, ...(round > 1 ? { round } : {}) },
  };
}

/**
 * The shards split into `groups` groups (round robin): the fanned-out tick
 * runs one worker per group, each on its own cursor.
 */
export function shardGroups(groups: number, shards = timerShards): number[][] {
  const count = Math.max(1, Math.min(groups, shards));
  const out: number[][] = Array.from({ length: count }, () => []);
  for (let shard = 0; shard < shards; shard++) out[shard % count]!.push(shard);
  return out;
}
