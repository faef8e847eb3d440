import { GrammyError, HttpError, InputFile, type Api } from 'grammy';
import type { Reply } from '../../../flows/types.js';
import { exponentialBackoff } from '../../../core/backoff.js';
import type { OutboundMessage } from '../../../core/outbound.js';
import {
  SenderCore,
  type CallFailure,
  type Delivery,
  type ReplyEnd,
  type SenderOptions,
} from '../sender-core.js';
import { renderReply } from './render.js';

/**
 * Defaults: 6 attempts; backoff 500 ms · 2^(n-1), at most 30 s; `telegramPacing`; a call times out
 * after 10 s; 100 chats at once; a backlog of notices to one chat goes as one digest.
 */
export interface TelegramSenderDeps extends SenderOptions {
  api: Api;
  botUsername: () => string;
}

/** Telegram's final failures: the person blocked the bot (403), or this message was refused (4xx). */
type Final = 'blocked' | 'rejected';

/**
 * Telegram's limits with headroom: 28 sends in any rolling second (Telegram: about 30), and per chat
 * a burst of 3 (a turn's few replies together; Telegram allows short bursts) then one per 1,050 ms
 * (Telegram: about one a second). `TELEGRAM_SEND_*` change them on AWS (bot/config/env.ts).
 */
export const telegramPacing = { perSecond: 28, perChatMs: 1050, perChatBurst: 3 } as const;

type GrammySignal = Parameters<Api['sendMessage']>[3];

/**
 * Sends outbound messages on Telegram within its limits (the sender core does
 * the delivery log, pacing, retries and reports): here, how a reply becomes a
 * Bot API call and what Telegram's errors mean.
 */
export class TelegramSender extends SenderCore {
  constructor(private readonly deps: TelegramSenderDeps) {
    super(deps, {
      channel: 'telegram',
      backoffMs: exponentialBackoff(500, 30_000),
      pacing: telegramPacing,
      callTimeoutMs: 10_000,
      concurrency: 100,
      digests: true,
    });
  }

  /** Telegram takes at most 4,096 characters of text in one message. */
  protected override fitsOneMessage(message: OutboundMessage): boolean {
    const reply = message.replies[0];
    return !!reply && renderReply(message.lang, reply, this.deps.botUsername()).text.length <= 4096;
  }

  protected async open(message: OutboundMessage): Promise<Delivery | string> {
    const chatId = /^-?\d+$/.test(message.to.id) ? Number(message.to.id) : NaN;
    if (message.to.channel !== 'telegram' || !Number.isSafeInteger(chatId)) {
      return `not a Telegram chat (${message.to.channel})`;
    }
    return { reply: (index) => this.sendReply(chatId, message, message.replies[index] as Reply) };
  }

  private async sendReply(chatId: number, message: OutboundMessage, reply: Reply): Promise<ReplyEnd> {
    let asNew = false;
    const classify = (err: unknown): CallFailure<Final> => {
      // An edit of a message that is gone or already says this: nothing left to do.
      if (message.edit && !asNew && err instanceof GrammyError && err.error_code === 400) {
        if (!message.editOrSend || /not modified/.test(err.description)) return { kind: 'done' };
        // A presser's answer on a message too old to edit: a new message says it instead.
        asNew = true;
        return { kind: 'again' };
      }
      if (err instanceof HttpError) return { kind: 'transient', code: 'network' };
      if (!(err instanceof GrammyError)) throw err;
      const code = err.error_code;
      if (code === 429) {
        const retryAfterMs = (err.parameters.retry_after ?? 1) * 1000;
        return { kind: 'throttled', code, everyone: true, retryAfterMs };
      }
      if (code === 403) return { kind: 'final', final: 'blocked', code, reason: err.description };
      if (code === 401 || code === 404) return { kind: 'setup', code };
      if (code < 500)
        return { kind: 'final', final: 'rejected', code, reason: `${code}: ${err.description}` };
      return { kind: 'transient', code };
    };
    const r = await this.request(
      chatId,
      (signal) => this.call(chatId, asNew ? { ...message, edit: undefined } : message, reply, signal),
      classify,
    );
    if (r.ok) {
      const messageId =
        typeof r.value === 'object' ? (r.value as { message_id?: number }).message_id : undefined;
      return { ok: true, ref: messageId ? `${chatId}:${messageId}` : undefined };
    }
    if (r.kind === 'blocked') return { ok: false, end: 'unreachable', code: r.code };
    return { ok: false, end: 'failed', reason: r.reason, code: r.code };
  }

  private call(chatId: number, message: OutboundMessage, reply: Reply, abort: AbortSignal): Promise<unknown> {
    const { text, markup, inline } = renderReply(message.lang, reply, this.deps.botUsername());
    // grammY types its signal with the abort-controller polyfill; Node's own AbortSignal works the same.
    const signal = abort as unknown as GrammySignal;
    if (reply.photo) {
      const file = new InputFile(Buffer.from(reply.photo.png, 'base64'), reply.photo.filename);
      return this.deps.api.sendPhoto(chatId, file, { caption: text, parse_mode: 'HTML' }, signal);
    }
    if (reply.document) {
      const file = new InputFile(Buffer.from(reply.document.content, 'utf8'), reply.document.filename);
      return this.deps.api.sendDocument(chatId, file, { caption: text, parse_mode: 'HTML' }, signal);
    }
    if (message.remove && message.edit) return this.deps.api.deleteMessage(chatId, message.edit, signal);
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
