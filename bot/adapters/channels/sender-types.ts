import type { Backoff } from '../../core/backoff.js';
import type { DeliveryEvents } from '../../core/outbound.js';
import type { Channel } from '../../domain/person.js';
import type { DynamoDeliveryLog } from '../store/delivery-log.js';
import type { RateLimiter, RateLimiterOptions } from './rate-limiter.js';
import type { TimeSource } from './time-source.js';

// What a channel's sender is built from and speaks in: its options and defaults, how its API calls
// and replies end, and the errors that hand a message back. The sending itself is sender-core.ts.

/** What a sender needs of the delivery log (DynamoDeliveryLog implements it). */
export type DeliveryLog = Pick<DynamoDeliveryLog, 'claim' | 'markProgress' | 'markSent' | 'release' | 'keep'>;

/** What every channel's sender takes besides its API; unset values take the channel's defaults. */
export interface SenderOptions {
  log: DeliveryLog;
  events: DeliveryEvents;
  time: TimeSource;
  /** For the log's dates and leases (and WhatsApp's window); defaults to `time.now()`. */
  clock?: () => Date;
  /** Failed attempts (5xx, network, timeout) per API call before the message is kept; default 6. */
  maxAttempts?: number;
  /** Wait after the n-th failed or throttled attempt (n from 1). */
  backoffMs?: Backoff;
  /** Pacing; share one limiter between senders of the same bot in one process. */
  limiter?: RateLimiter;
  /** Pacing for a limiter of its own (without `limiter`): each value unset takes the channel's default. */
  pacing?: RateLimiterOptions;
  /** A call with no answer after this long is a failed attempt. */
  callTimeoutMs?: number;
  /** How long a claim holds before another sender may take the message over; default 10 min. */
  leaseSeconds?: number;
  /** Recipients served at once (the limiter still paces them). */
  concurrency?: number;
  /** Structured log lines: ids and error codes only, never message text or numbers. */
  logLine?: (entry: Record<string, unknown>) => void;
  /**
   * A webhook's sender, which must answer in time: once its attempts are spent (or a rate limit
   * asks for a longer wait than `handBackWaitMs`), a message is handed back (`retry`, its claim
   * let go) for the queue's sender to go on with, instead of being kept as undeliverable.
   */
  handBack?: boolean;
}

/** With `handBack`, the longest wait a rate limit may impose before the message is handed back. */
export const handBackWaitMs = 3000;

/** A channel's own limits, for what the options leave unset. */
export interface ChannelDefaults {
  channel: Channel;
  backoffMs: Backoff;
  pacing: RateLimiterOptions;
  callTimeoutMs: number;
  concurrency: number;
  /**
   * A backlog of plain notices to one chat goes out as one digest message. Off where each
   * message must stay itself (WhatsApp: outside the window each needs its own template).
   */
  digests?: boolean;
}

export type ErrorCode = number | string;

/** What a failed API call means, as the channel reads its error; `F` names the channel's final failures. */
export type CallFailure<F extends string> =
  /**
   * A rate limit: wait `retryAfterMs` as told, else the backoff (at least `atLeastMs`), and try again.
   * `everyone`: the limit is the bot's, so every send waits, not only this recipient's.
   */
  | { kind: 'throttled'; code: ErrorCode; everyone: boolean; retryAfterMs?: number; atLeastMs?: number }
  /** The API or the network failed, or the call timed out: try again after the backoff. */
  | { kind: 'transient'; code: ErrorCode }
  /** The bot's own setup is wrong (token, permissions): no message is to blame; offer it again later. */
  | { kind: 'setup'; code: ErrorCode }
  /** Call again at once: the channel changed how it calls (an edit becomes a new message). */
  | { kind: 'again' }
  /** Nothing is left to do (an edit that already says this): the call counts as done. */
  | { kind: 'done' }
  /** Trying again cannot help; the channel decides what `final` means for the message. */
  | { kind: 'final'; final: F; code: ErrorCode; reason: string };

/** How an API call ended, after its retries; `value` is missing when the call counted as done. */
export type CallResult<T, F extends string> =
  { ok: true; value?: T } | { ok: false; kind: F | 'exhausted'; code: ErrorCode; reason: string };

/** How one reply ended, as the channel sent it. */
export type ReplyEnd =
  /** Sent; `ref` says where it landed (reported for a tracked message's first reply). */
  | { ok: true; ref?: string }
  /** The person cannot be reached on this channel (blocked the bot, not on WhatsApp). */
  | { ok: false; end: 'unreachable'; code: ErrorCode }
  /** Retrying cannot help: the message is kept as undeliverable. */
  | { ok: false; end: 'failed'; reason: string; code: ErrorCode }
  /** The channel parked the rest of the message for later (WhatsApp outside the window). */
  | { ok: false; end: 'held' };

/** One message's delivery on a channel, reply by reply. */
export interface Delivery {
  reply(index: number): Promise<ReplyEnd>;
}

/** A webhook's sender gave up on a call for now (`handBack`): the message goes on from the queue. */
export class HandedBackError extends Error {
  override name = 'HandedBackError';
  constructor(
    channel: Channel,
    readonly code: ErrorCode,
  ) {
    super(`${channel}: handed back after ${code}`);
  }
}

/** The channel refused the bot's credentials or setup: retried later, no message is blamed. */
export class SenderSetupError extends Error {
  override name = 'SenderSetupError';
  constructor(
    channel: Channel,
    readonly code: ErrorCode,
  ) {
    super(`${channel} refused the bot (${code})`);
  }
}
