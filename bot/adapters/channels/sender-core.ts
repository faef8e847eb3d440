import type { Backoff } from '../../core/backoff.js';
import {
  emptySendResult,
  type OutboundMessage,
  type SendOptions,
  type SendResult,
} from '../../core/outbound.js';
import type { Channel } from '../../domain/person.js';
import type { Claim } from '../store/delivery-log.js';
import { digestMessage, digestUnits } from './digest.js';
import { RateLimiter } from './rate-limiter.js';
import {
  HandedBackError,
  SenderSetupError,
  handBackWaitMs,
  type CallFailure,
  type CallResult,
  type ChannelDefaults,
  type Delivery,
  type ErrorCode,
  type ReplyEnd,
  type SenderOptions,
} from './sender-types.js';

// The senders' types and errors live in sender-types.ts; re-exported for the channels.
export * from './sender-types.js';

type Outcome = Exclude<keyof SendResult, 'later'> | 'busy';

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
  private readonly digests: boolean;
  private readonly handBack: boolean;
  protected readonly logLine: (entry: Record<string, unknown>) => void;

  constructor(
    private readonly options: SenderOptions,
    defaults: ChannelDefaults,
  ) {
    this.channel = defaults.channel;
    this.limiter =
      options.limiter ?? new RateLimiter(options.time, { ...defaults.pacing, ...options.pacing });
    this.digests = defaults.digests ?? false;
    this.handBack = options.handBack ?? false;
    this.clock = options.clock ?? (() => new Date(options.time.now()));
    this.maxAttempts = options.maxAttempts ?? 6;
    this.maxThrottles = this.maxAttempts * 5;
    this.backoffMs = options.backoffMs ?? defaults.backoffMs;
    this.callTimeoutMs = options.callTimeoutMs ?? defaults.callTimeoutMs;
    this.leaseSeconds = options.leaseSeconds ?? 600;
    this.concurrency = options.concurrency ?? defaults.concurrency;
    this.logLine = options.logLine ?? ((entry) => console.warn(JSON.stringify(entry)));
  }

  /**
   * Sends a batch of messages: one recipient's in order, different recipients at once. A chat
   * with more waiting than its pacing lets out now gets its plain notices as one digest, and its
   * alert cards as another, a line and an "open" button each (where the channel has digests).
   * With `holdMs`, a chat whose pacing would hold its next message longer than that hands the
   * rest back as `later`, so one chat's backlog never holds the batch.
   */
  send(messages: OutboundMessage[], options: SendOptions = {}): Promise<SendResult> {
    return this.sendAll(messages, options.holdMs ?? Infinity, options.accepted ?? (() => undefined));
  }

  /** How the channel sends one message, reply by reply, or why it cannot take it (a string). */
  protected abstract open(message: OutboundMessage): Promise<Delivery | string>;

  /** Whether a digest fits in one message of the channel (where it has digests). */
  protected fitsOneMessage(message: OutboundMessage): boolean {
    return message.replies.length > 0;
  }

  /** One lane per recipient, lanes served by a pool of workers. */
  private async sendAll(
    messages: OutboundMessage[],
    holdMs: number,
    accepted: (id: string) => void,
  ): Promise<SendResult> {
    const result: SendResult = emptySendResult();
    const lanes = new Map<string, OutboundMessage[]>();
    for (const m of messages) {
      const key = `${m.to.channel}:${m.to.id}`;
      const lane = lanes.get(key);
      if (lane) lane.push(m);
      else lanes.set(key, [m]);
    }
    const queue = [...lanes.values()];
    const worker = async () => {
      for (let lane = queue.shift(); lane; lane = queue.shift())
        await this.sendLane(lane, holdMs, result, accepted);
    };
    await Promise.all(Array.from({ length: Math.min(this.concurrency, queue.length) }, worker));
    return result;
  }

  /** One chat's messages, in order: each unit (a message, or a digest) as its pacing lets it. */
  private async sendLane(
    lane: OutboundMessage[],
    holdMs: number,
    result: SendResult,
    accepted: (id: string) => void,
  ): Promise<void> {
    const chat = (lane[0] as OutboundMessage).to.id;
    const backlog = lane.length > this.limiter.freeSends(chat);
    const units = this.digests && backlog ? digestUnits(lane) : lane.map((m) => [m]);
    let stopped = false;
    for (const [u, unit] of units.entries()) {
      if (stopped) {
        // One person's messages keep their order: after an unfinished one, the rest wait for the retry too.
        for (const m of unit) result.retry.push(m.id);
        continue;
      }
      const ready = this.limiter.chatReadyAt(chat);
      const now = this.options.time.now();
      if (ready - now > holdMs) {
        // Offered again once the chat may take a whole burst of them: one chat's backlog comes back
        // (an SQS FIFO group comes back whole) a few at a time, not one receive per message.
        const at = ready + (Math.min(units.length - u, this.limiter.chatBurst) - 1) * this.limiter.chatGapMs;
        for (const m of units.slice(u).flat()) result.later.push({ id: m.id, at });
        return;
      }
      const outcomes: Outcome[] =
        unit.length === 1
          ? [await this.deliver(unit[0] as OutboundMessage, accepted)]
          : await this.deliverDigest(unit, accepted);
      unit.forEach((m, i) => {
        const outcome = outcomes[i] ?? 'retry';
        if (outcome === 'busy') result.skipped.push(m.id);
        result[outcome === 'busy' ? 'retry' : outcome].push(m.id);
        stopped ||= outcome === 'busy' || outcome === 'retry';
      });
    }
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
          if (this.handBack && (wait > handBackWaitMs || throttles >= this.maxAttempts))
            throw new HandedBackError(this.channel, failure.code);
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
            if (this.handBack) throw new HandedBackError(this.channel, code);
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

  /** Messages whose commit-time claim was used: a second try of the same message claims again. */
  private readonly firstTries = new WeakSet<OutboundMessage>();

  /** The claim a turn's commit made for this process, on the message's first try here, while it holds. */
  private claimMadeInCommit(message: OutboundMessage): Claim | undefined {
    if (!message.claimed || message.claimed <= this.clock().getTime() || this.firstTries.has(message))
      return undefined;
    this.firstTries.add(message);
    return { status: 'claimed', sentReplies: 0 };
  }

  private async deliver(message: OutboundMessage, accepted: (id: string) => void): Promise<Outcome> {
    let claimed = false;
    try {
      const claim =
        this.claimMadeInCommit(message) ??
        (await this.options.log.claim(message.id, this.clock(), this.leaseSeconds));
      if (claim.status !== 'claimed') return claim.status === 'sent' ? 'skipped' : 'busy';
      claimed = true;
      return await this.transmit(message, claim.sentReplies, accepted);
    } catch (err) {
      return await this.interrupted(message, err, claimed ? [message] : []);
    }
  }

  /** A claimed message, from its reply `from` on (the ones before went out on an earlier try). */
  private async transmit(
    message: OutboundMessage,
    from: number,
    accepted: (id: string) => void = () => undefined,
  ): Promise<Outcome> {
    const { log, events } = this.options;
    const delivery = await this.open(message);
    if (typeof delivery === 'string') return await this.giveUp(message, delivery, 'channel');
    for (let done = from; done < message.replies.length;) {
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
    accepted(message.id);
    await log.markSent(message.id, this.clock());
    return 'sent';
  }

  /**
   * Several notices (or cards) to one chat as one message. Each keeps its own claim in the
   * delivery log, so each goes once; the digest holds the ones claimed in order up to the first
   * that another sender has (that one and the rest wait for the retry). One left goes as itself
   * (a card as the card, tracked). A card in a digest is not reported delivered: no message of
   * the card exists to edit until she opens it.
   */
  private async deliverDigest(parts: OutboundMessage[], accepted: (id: string) => void): Promise<Outcome[]> {
    const { log, events } = this.options;
    const outcomes: Outcome[] = parts.map(() => 'retry');
    const claimed: OutboundMessage[] = [];
    const index = new Map(parts.map((p, i) => [p, i]));
    const set = (m: OutboundMessage, o: Outcome) => (outcomes[index.get(m) as number] = o);
    try {
      for (const part of parts) {
        const claim =
          this.claimMadeInCommit(part) ?? (await log.claim(part.id, this.clock(), this.leaseSeconds));
        if (claim.status === 'sent') set(part, 'skipped');
        else if (claim.status === 'busy') {
          set(part, 'busy');
          break;
        } else claimed.push(part);
      }
      const digest = digestMessage(claimed);
      if (claimed.length < 2 || !this.fitsOneMessage(digest)) {
        // Too long for one message (or one notice left): each goes as itself, in order.
        for (const part of claimed) set(part, await this.transmit(part, 0, accepted));
        return outcomes;
      }
      const delivery = await this.open(digest);
      const r: ReplyEnd =
        typeof delivery === 'string'
          ? { ok: false, end: 'failed', reason: delivery, code: 'channel' }
          : await delivery.reply(0);
      if (r.ok) for (const part of claimed) accepted(part.id);
      for (const part of claimed) {
        if (r.ok) await log.markSent(part.id, this.clock());
        else if (r.end === 'unreachable') {
          await events.unreachable(part.personId, part);
          await log.markSent(part.id, this.clock(), 'unreachable');
        } else if (r.end === 'held') await log.markSent(part.id, this.clock(), 'held');
        else {
          set(part, await this.giveUp(part, r.reason, r.code));
          continue;
        }
        set(part, r.ok ? 'sent' : r.end);
      }
      if (!r.ok && r.end === 'unreachable') {
        this.logLine({ msg: `${this.channel} recipient unreachable`, id: digest.id, code: r.code });
      }
      return outcomes;
    } catch (err) {
      // Parts already marked in the log keep their outcome; the claims still open are let go.
      const open = claimed.filter((part) => outcomes[index.get(part) as number] === 'retry');
      await this.interrupted(parts[0] as OutboundMessage, err, open);
      return outcomes;
    }
  }

  /** A delivery that threw (the log, the credentials): its claims are let go, to be retried. */
  private async interrupted(
    message: OutboundMessage,
    err: unknown,
    claimed: OutboundMessage[],
  ): Promise<Outcome> {
    const code = err instanceof SenderSetupError || err instanceof HandedBackError ? err.code : undefined;
    const error = err instanceof Error ? err.name : typeof err;
    this.logLine({ msg: `${this.channel} delivery interrupted`, id: message.id, error, code });
    for (const m of claimed) await this.options.log.release(m.id).catch(() => undefined);
    return 'retry';
  }

  /** Keeps the message and raises the alert; retrying cannot help any more. */
  private async giveUp(message: OutboundMessage, reason: string, code: ErrorCode): Promise<Outcome> {
    this.logLine({ msg: `${this.channel} message kept as undeliverable`, id: message.id, code });
    await this.options.log.keep(message, reason, this.clock());
    await this.options.events.undeliverable(message, reason);
    return 'failed';
  }
}
