import { GrammyError, HttpError, InputFile, type Api } from 'grammy';
import type { Reply } from '../../../flows/types.js';
import type { DeliveryEvents, OutboundMessage, SendResult } from '../../../core/outbound.js';
import type { DynamoDeliveryLog } from '../../store/delivery-log.js';
import { RateLimiter, type TimeSource } from '../rate-limiter.js';
import { renderReply } from './render.js';

/** What the sender needs of the delivery log (DynamoDeliveryLog implements it). */
export type DeliveryLog = Pick<DynamoDeliveryLog, 'claim' | 'markProgress' | 'markSent' | 'release' | 'keep'>;

export interface TelegramSenderDeps {
  api: Api;
  log: DeliveryLog;
  events: DeliveryEvents;
  botUsername: () => string;
  time: TimeSource;
  /** For the log's dates and leases; defaults to `time.now()`. */
  clock?: () => Date;
  /** Failed attempts (5xx, network, timeout) per reply before the message is kept; default 6. */
  maxAttempts?: number;
  /** Wait after the n-th failed attempt (n from 1); default 500 ms · 2^(n-1), at most 30 s. */
  backoffMs?: (attempt: number) => number;
  /** Share one limiter between senders of the same bot in one process; default a new one. */
  limiter?: RateLimiter;
  /** A call with no answer after this long is a failed attempt; default 10 s. */
  callTimeoutMs?: number;
  /** How long a claim holds before another sender may take the message over; default 10 min. */
  leaseSeconds?: number;
  /** Chats served at once (the limiter still paces them); default 100. */
  concurrency?: number;
  /** Structured log lines: ids and error codes only, never message text. */
  logLine?: (entry: Record<string, unknown>) => void;
}

export type { SendResult };

type Outcome = keyof SendResult | 'busy';

/** How one reply ended. */
type ReplyResult =
  | { ok: true; messageId?: number }
  | { ok: false; kind: 'unreachable' | 'rejected' | 'exhausted'; reason: string; code: number | string };

/** Telegram said the bot itself is misconfigured (bad token, wrong API root): no message is to blame. */
class BotSetupError extends Error {
  constructor(readonly code: number) {
    super(`Telegram refused the bot (${code})`);
    this.name = 'BotSetupError';
  }
}

type GrammySignal = Parameters<Api['sendMessage']>[3];

const defaultBackoff = (attempt: number): number => Math.min(30_000, 500 * 2 ** (attempt - 1));

/**
 * Sends outbound messages on Telegram within its limits, exactly once per
 * message id (see delivery-log.ts for the one at-least-once window). Messages
 * to one chat go in order; different chats go concurrently, paced by the
 * limiter. Nothing is dropped: a message either reaches the chat, is marked
 * unreachable (403) with an event, or is kept in the log with an event.
 */
export class TelegramSender {
  private readonly limiter: RateLimiter;
  private readonly clock: () => Date;
  private readonly maxAttempts: number;
  private readonly maxThrottles: number;
  private readonly backoffMs: (attempt: number) => number;
  private readonly callTimeoutMs: number;
  private readonly leaseSeconds: number;
  private readonly concurrency: number;
  private readonly logLine: (entry: Record<string, unknown>) => void;

  constructor(private readonly deps: TelegramSenderDeps) {
    this.limiter = deps.limiter ?? new RateLimiter(deps.time);
    this.clock = deps.clock ?? (() => new Date(deps.time.now()));
    this.maxAttempts = deps.maxAttempts ?? 6;
    this.maxThrottles = this.maxAttempts * 5;
    this.backoffMs = deps.backoffMs ?? defaultBackoff;
    this.callTimeoutMs = deps.callTimeoutMs ?? 10_000;
    this.leaseSeconds = deps.leaseSeconds ?? 600;
    this.concurrency = deps.concurrency ?? 100;
    this.logLine = deps.logLine ?? ((entry) => console.warn(JSON.stringify(entry)));
  }

  async send(messages: OutboundMessage[]): Promise<SendResult> {
    const result: SendResult = { sent: [], skipped: [], failed: [], unreachable: [], retry: [] };
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
          // One chat's messages keep their order: after an unfinished one, the rest wait for the retry too.
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

  private async deliver(message: OutboundMessage): Promise<Outcome> {
    const { log, events } = this.deps;
    let claimed = false;
    try {
      const claim = await log.claim(message.id, this.clock(), this.leaseSeconds);
      if (claim.status !== 'claimed') return claim.status === 'sent' ? 'skipped' : 'busy';
      claimed = true;
      const chatId = /^-?\d+$/.test(message.to.id) ? Number(message.to.id) : NaN;
      if (message.to.channel !== 'telegram' || !Number.isSafeInteger(chatId)) {
        return await this.giveUp(message, `not a Telegram chat (${message.to.channel})`, 'channel');
      }
      for (let done = claim.sentReplies; done < message.replies.length;) {
        const r = await this.sendReply(chatId, message, message.replies[done] as Reply);
        if (r.ok && done === 0 && message.track && r.messageId) {
          await events.delivered(message, `${chatId}:${r.messageId}`);
        }
        if (!r.ok && r.kind === 'unreachable') {
          this.logLine({ msg: 'telegram recipient unreachable', id: message.id, code: 403 });
          await events.unreachable(message.personId, message);
          await log.markSent(message.id, this.clock(), 'unreachable');
          return 'unreachable';
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
      const code = err instanceof BotSetupError ? err.code : undefined;
      this.logLine({ msg: 'telegram delivery interrupted', id: message.id, error: errorName(err), code });
      if (claimed) await log.release(message.id).catch(() => undefined);
      return 'retry';
    }
  }

  /** Keeps the message and raises the alert; retrying cannot help any more. */
  private async giveUp(message: OutboundMessage, reason: string, code: number | string): Promise<Outcome> {
    this.logLine({ msg: 'telegram message kept as undeliverable', id: message.id, code });
    await this.deps.log.keep(message, reason, this.clock());
    await this.deps.events.undeliverable(message, reason);
    return 'failed';
  }

  /** One reply, retried after 429s (as told) and after 5xx, network errors and timeouts (with backoff). */
  private async sendReply(chatId: number, message: OutboundMessage, reply: Reply): Promise<ReplyResult> {
    const { time } = this.deps;
    let failures = 0;
    let throttles = 0;
    let asNew = false;
    for (;;) {
      await this.limiter.acquire(chatId);
      let code: number | 'network';
      try {
        // Nothing may be awaited between acquire() and this call: the limiter's slot is now.
        const sent = await this.call(chatId, asNew ? { ...message, edit: undefined } : message, reply);
        return {
          ok: true,
          messageId: typeof sent === 'object' ? (sent as { message_id?: number }).message_id : undefined,
        };
      } catch (err) {
        // An edit of a message that is gone or already says this: nothing left to do.
        if (message.edit && !asNew && err instanceof GrammyError && err.error_code === 400) {
          // A presser's answer on a message too old to edit: a new message says it instead.
          if (!message.editOrSend || /not modified/.test(err.description)) return { ok: true };
          asNew = true;
          continue;
        }
        if (err instanceof GrammyError && err.error_code === 429) {
          const retryAfter = err.parameters.retry_after ?? 1;
          this.limiter.pauseUntil(time.now() + retryAfter * 1000);
          if (++throttles <= this.maxThrottles) continue;
          const reason = `429 after ${throttles} throttled attempts`;
          return { ok: false, kind: 'exhausted', reason, code: 429 };
        }
        if (err instanceof GrammyError && err.error_code === 403) {
          return { ok: false, kind: 'unreachable', reason: err.description, code: 403 };
        }
        if (err instanceof GrammyError && (err.error_code === 401 || err.error_code === 404)) {
          throw new BotSetupError(err.error_code);
        }
        if (err instanceof GrammyError && err.error_code < 500) {
          const reason = `${err.error_code}: ${err.description}`;
          return { ok: false, kind: 'rejected', reason, code: err.error_code };
        }
        if (!(err instanceof GrammyError) && !(err instanceof HttpError)) throw err;
        code = err instanceof GrammyError ? err.error_code : 'network';
      }
      if (++failures >= this.maxAttempts) {
        const reason = `${code === 'network' ? 'network error or timeout' : code} after ${failures} attempts`;
        return { ok: false, kind: 'exhausted', reason, code };
      }
      await time.sleep(this.backoffMs(failures));
    }
  }

  private call(chatId: number, message: OutboundMessage, reply: Reply): Promise<unknown> {
    const { text, markup, inline } = renderReply(message.lang, reply, this.deps.botUsername());
    // grammY types its signal with the abort-controller polyfill; Node's own AbortSignal works the same.
    const signal = AbortSignal.timeout(this.callTimeoutMs) as unknown as GrammySignal;
    if (reply.document) {
      const file = new InputFile(Buffer.from(reply.document.content, 'utf8'), reply.document.filename);
      return this.deps.api.sendDocument(chatId, file, { caption: text, parse_mode: 'HTML' }, signal);
    }
    if (reply.voice) {
      return this.deps.api.sendVoice(chatId, reply.voice, { caption: text, parse_mode: 'HTML' }, signal);
    }
    if (message.edit) {
      return this.deps.api.editMessageText(
        chatId,
        message.edit,
        text,
        { parse_mode: 'HTML', reply_markup: inline },
        signal,
      );
    }
    return this.deps.api.sendMessage(chatId, text, { parse_mode: 'HTML', reply_markup: markup }, signal);
  }
}

function errorName(err: unknown): string {
  return err instanceof Error ? err.name : typeof err;
}
