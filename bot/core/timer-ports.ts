import type { Timer, TimerKind } from '../domain/timer.js';

/**
 * The ports of the per-minute tick: the timers it fires (one mechanism for everything that happens
 * later) and the queue a heavy minute is handed to. `ports.ts` re-exports them.
 */

/** A due timer as read from the index. */
export type ClaimedTimer = Timer & {
  state: 'pending' | 'firing';
  leaseUntil?: string;
};

/** A claimed timer of one kind. */
export type Claimed<K extends TimerKind> = Extract<ClaimedTimer, { kind: K }>;

export interface Timers {
  /** Puts timers (an existing id is replaced: rescheduled). */
  schedule(timers: Timer[]): Promise<void>;
  cancel(ids: string[]): Promise<void>;
  get(id: string): Promise<Timer | null>;
  /** Notices to this person waiting out quiet hours (`held` timers not yet sent). */
  heldFor(personId: string): Promise<Timer[]>;
  /**
   * Timers of one hour bucket ('YYYYMMDDHH', UTC) and shard, due at or before `upTo`, not yet done;
   * with `limit`, only the earliest `limit` of them (no more are read).
   */
  due(hour: string, shard: number, upTo: Date, limit?: number): Promise<ClaimedTimer[]>;
  /** Takes a timer for firing; false if another claimer holds it (lease not run out) or it was rescheduled. */
  claim(timer: ClaimedTimer, claimer: string, now: Date, leaseSeconds: number): Promise<boolean>;
  /**
   * Done: out of the index, or replaced by `next` (its next occurrence, same id) in the same write;
   * unless it was rescheduled meanwhile, which stays.
   */
  complete(timer: ClaimedTimer, claimer: string, next?: Timer): Promise<void>;
  /** The tick's cursor; a worker of the fanned-out tick has one per group of shards (`group`). */
  getCursor(group?: string): Promise<string | null>;
  /** Moves the tick cursor (an ISO instant: everything due up to it is done) forward, never back. */
  advanceCursor(upTo: string, group?: string): Promise<void>;
  readonly shards: number;
}

/** One worker's share of a minute of the fanned-out tick: the scheduled time and its group of shards. */
export interface TickWork {
  time: string;
  group: number;
}

/** Where the scheduled tick hands the minute's work (a queue whose every message one worker reads). */
export interface TickWorkQueue {
  hand(work: TickWork[]): Promise<void>;
}
