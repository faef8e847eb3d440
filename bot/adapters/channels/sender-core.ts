import type { Backoff } from '../../core/backoff.js';
import type { DeliveryEvents, OutboundMessage, SendResult } from '../../core/outbound.js';
import type { Channel } from '../../domain/person.js';
import type { DynamoDeliveryLog } from '../store/delivery-log.js';
import { RateLimiter, type RateLimiterOptions } from './rate-limiter.js';
import type { TimeSource } from './time-source.js';

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
  /** A call with no answer after this long is a failed attempt. */
  callTimeoutMs?: number;
  /** How long a claim holds before another sender may take the message over; default 10 min. */
  leaseSeconds?: number;
  /** Recipients served at once (the limiter still paces them). */
  concurrency?: number;
  /** Structured log lines: ids and error codes only, never message text or numbers. */
  logLine?: (entry: Record<string, unknown>) => void;
}

/** A channel's own limits, for what the options leave unset. */
export interface ChannelDefaults {
  channel: Channel;
  backoffMs: Backoff;
  pacing: RateLimiterOptions;
  callTimeoutMs: number;
  concurrency: number;
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

type Outcome = keyof SendResult | 'busy';

/**
 * What both channels' senders share: messages go out exactly once per message
 * id through the delivery log (see delivery-log.ts for the one at-least-once
 * window); one recipient's messages in order, different recipients
 * concurrently, paced by the limiter; each API call retried after rate limits
 * and transient failures with backoff, within its deadline. Nothing is
 * dropped: a message reaches the person, is marked unreachable or held, or is
 * kept in the log as undeliverable, each with its event. A channel's sender
 * extends it with how to send one reply (`open`) and what its errors mean.
 */
export abstract class SenderCore {
  protected readonly clock: () => Date;
  private readonly channel: Channel;
  private readonly limiter: RateLimiter;
  private readonly maxAttempts: number;
  private readonly maxThrottles: number;
  private readonly backoffMs: Backoff;
  private readonly callTimeoutMs: number;
  private readonly leaseSeconds: number;
  private readonly concurrency: number;
  protected readonly logLine: (entry: Record<string, unknown>) => void;

  constructor(
    private readonly options: SenderOptions,
    defaults: ChannelDefaults,
  ) {
    this.channel = defaults.channel;
    this.limiter = options.limiter ?? new RateLimiter(options.time, defaults.pacing);
    this.clock = options.clock ?? (() => new Date(options.time.now()));
    this.maxAttempts = options.maxAttempts ?? 6;
    this.maxThrottles = this.maxAttempts * 5;
    this.backoffMs = options.backoffMs ?? defaults.backoffMs;
    this.callTimeoutMs = options.callTimeoutMs ?? defaults.callTimeoutMs;
    this.leaseSeconds = options.leaseSeconds ?? 600;
    this.concurrency = options.concurrency ?? defaults.concurrency;
    this.logLine = options.logLine ?? ((entry) => console.warn(JSON.stringify(entry)));
  }

  /** Sends a batch of messages. */
  send(messages: OutboundMessage[]): Promise<SendResult> {
    return this.sendAll(messages);
  }

  /** How the channel sends one message, reply by reply, or why it cannot take it (a string). */
  protected abstract open(message: OutboundMessage): Promise<Delivery | string>;

  /** One lane per recipient, lanes served by a pool of workers. */
  private async sendAll(messages: OutboundMessage[]): Promise<SendResult> {
    const result: SendResult = { sent: [], skipped: [], failed: [], unreachable: [], held: [], retry: [] };
    const lanes = new Map<string, OutboundMessage[]>();
    for (const m of messages) {
      const key = `${m.to.channel}:${m.to.id}`;
      const lane = lanes.get(key);
      if (lane) lane.push(m);
      else lanes.set(key, [m]);
    }
    const queue = [...lanes.values()];
    const worker = async () => {
      for (let lane = queue.shift(); lane; lane = queue.shift()) {
        let stopped = false;
        for (const message of lane) {
          // One person's messages keep their order: after an unfinished one, the rest wait for the retry too.
          const outcome: Outcome = stopped ? 'retry' : await this.deliver(message);
          if (outcome === 'busy') result.skipped.push(message.id);
          result[outcome === 'busy' ? 'retry' : outcome].push(message.id);
          stopped ||= outcome === 'busy' || outcome === 'retry';
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.concurrency, queue.length) }, worker));
    return result;
  }

  /**
   * One API call to `recipient`, paced by the limiter and bounded by the call timeout, tried
   * again as `classify` reads each error. Throws on a setup failure (or whatever `classify` throws).
   */
  protected async request<T, F extends string>(
    recipient: string | number,
    call: (signal: AbortSignal) => Promise<T>,
    classify: (err: unknown) => CallFailure<F>,
  ): Promise<CallResult<T, F>> {
    const { time } = this.options;
    let failures = 0;
    let throttles = 0;
    for (;;) {
      await this.limiter.acquire(recipient);
      // Nothing may be awaited between acquire() and the call: the limiter's slot is now.
      const deadline = time.deadline(this.callTimeoutMs);
      let failure: CallFailure<F>;
      try {
        return { ok: true, value: await call(deadline.signal) };
      } catch (err) {
        failure = classify(err);
      } finally {
        deadline.clear();
      }
      switch (failure.kind) {
        case 'done':
          return { ok: true };
        case 'again':
          continue;
        case 'setup':
          throw new SenderSetupError(this.channel, failure.code);
        case 'throttled': {
          throttles++;
          const wait = failure.retryAfterMs ?? Math.max(this.backoffMs(throttles), failure.atLeastMs ?? 0);
          if (failure.everyone) this.limiter.pauseUntil(time.now() + wait);
          if (throttles > this.maxThrottles) {
            const reason = `${failure.code} after ${throttles} throttled attempts`;
            return { ok: false, kind: 'exhausted', code: failure.code, reason };
          }
          // A pause holds this recipient too; a limit on one recipient only is waited out here.
          if (!failure.everyone) await time.sleep(wait);
          continue;
        }
        case 'transient': {
          const { code } = failure;
          if (++failures >= this.maxAttempts) {
            const reason = `${code === 'network' ? 'network error or timeout' : code} after ${failures} attempts`;
            return { ok: false, kind: 'exhausted', code, reason };
          }
          await time.sleep(this.backoffMs(failures));
          continue;
        }
        case 'final':
          return { ok: false, kind: failure.final, code: failure.code, reason: failure.reason };
      }
    }
  }

  private async deliver(message: OutboundMessage): Promise<Outcome> {
    const { log, events } = this.options;
    let claimed = false;
    try {
      const claim = await log.claim(message.id, this.clock(), this.leaseSeconds);
      if (claim.status !== 'claimed') return claim.status === 'sent' ? 'skipped' : 'busy';
      claimed = true;
      const delivery = await this.open(message);
      if (typeof delivery === 'string') return await this.giveUp(message, delivery, 'channel');
      for (let done = claim.sentReplies; done < message.replies.length;) {
        const r = await delivery.reply(done);
        if (r.ok && message.track && r.ref) {
          if (done === 0) await events.delivered(message, r.ref);
          else if (message.replies[done]?.voice) await events.delivered(message, r.ref, 'voice');
        }
        if (!r.ok && r.end === 'unreachable') {
          this.logLine({ msg: `${this.channel} recipient unreachable`, id: message.id, code: r.code });
          await events.unreachable(message.personId, message);
          await log.markSent(message.id, this.clock(), 'unreachable');
          return 'unreachable';
        }
        if (!r.ok && r.end === 'held') {
          if (message.track) await events.held?.(message);
          await log.markSent(message.id, this.clock(), 'held');
          return 'held';
        }
        if (!r.ok) return await this.giveUp(message, r.reason, r.code);
        done++;
        if (done < message.replies.length) {
          await log.markProgress(message.id, done, this.clock(), this.leaseSeconds);
        }
      }
      await log.markSent(message.id, this.clock());
      return 'sent';
    } catch (err) {
      const code = err instanceof SenderSetupError ? err.code : undefined;
      const error = err instanceof Error ? err.name : typeof err;
      this.logLine({ msg: `${this.channel} delivery interrupted`, id: message.id, error, code });
      if (claimed) await log.release(message.id).catch(() => undefined);
      return 'retry';
    }
  }

  /** Keeps the message and raises the alert; retrying cannot help any more. */
  private async giveUp(message: OutboundMessage, reason: string, code: ErrorCode): Promise<Outcome> {
    this.logLine({ msg: `${this.channel} message kept as undeliverable`, id: message.id, code });
    await this.options.log.keep(message, reason, this.clock());
    await this.options.events.undeliverable(message, reason);
    return 'failed';
  }
}
