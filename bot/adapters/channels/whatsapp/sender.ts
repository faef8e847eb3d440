import type { Reply } from '../../../flows/types.js';
import {
  messageRef,
  parked,
  type DeliveryEvents,
  type OutboundMessage,
  type SendResult as ChannelSendResult,
} from '../../../core/outbound.js';
import type { DeliveryOutcome, DynamoDeliveryLog } from '../../store/delivery-log.js';
import { RateLimiter, type TimeSource } from '../rate-limiter.js';
import { escapeUser } from './format.js';
import { classify, type Failure, type GraphClient } from './graph-api.js';
import { deepLink, renderReply, type Outgoing } from './render.js';
import type { WhatsAppState } from '../../../core/whatsapp-state.js';
import { windowOpen } from './state.js';
import { templateFor, updatesMessage, type TemplateConfig, type TemplateMessage } from './templates.js';

export type DeliveryLog = Pick<DynamoDeliveryLog, 'claim' | 'markProgress' | 'markSent' | 'release' | 'keep'>;

export interface WhatsAppSenderDeps {
  client: GraphClient;
  log: DeliveryLog;
  events: DeliveryEvents;
  state: WhatsAppState;
  templates: TemplateConfig;
  /** The bot's WhatsApp number (digits), for click-to-chat invite links. */
  businessNumber: string;
  time: TimeSource;
  /** For the log's dates, leases and the window; defaults to `time.now()`. */
  clock?: () => Date;
  /** Failed attempts (5xx, network, timeout) per message part before it is kept; default 6. */
  maxAttempts?: number;
  /** Wait after the n-th failed or throttled attempt (n from 1); default 1 s · 2^(n-1), at most 60 s. */
  backoffMs?: (attempt: number) => number;
  /** Pacing: the Cloud API takes about 80 messages a second per number; default 60/s, 250 ms per person. */
  limiter?: RateLimiter;
  callTimeoutMs?: number;
  leaseSeconds?: number;
  concurrency?: number;
  /** Structured log lines: ids and error codes only, never message text or numbers. */
  logLine?: (entry: Record<string, unknown>) => void;
}

export interface SendResult extends ChannelSendResult {
  /** Outside the 24-hour window with no template: kept for the person until they write again. */
  held: string[];
}

type Outcome = keyof SendResult | 'busy';
type PartResult =
  { ok: true; id: string } | { ok: false; kind: Failure | 'exhausted'; code: number | string };

/** The bot's configuration is wrong (token, permissions, phone number id): retry later, blame no message. */
class WhatsAppSetupError extends Error {
  override name = 'WhatsAppSetupError';
}

const defaultBackoff = (attempt: number): number => Math.min(60_000, 1000 * 2 ** (attempt - 1));
/** WhatsApp's pair rate: about one message every 6 seconds to one person, in the long run. */
const pairRateWaitMs = 6000;

/**
 * Sends outbound messages on WhatsApp, exactly once per message id (the same
 * delivery log as Telegram), within the 24-hour window: inside it, any message;
 * outside it, the reply's approved template, or the message is held until the
 * person writes again (with one "messages are waiting" template meanwhile).
 * A template that cannot be delivered makes the person unreachable.
 */
export class WhatsAppSender {
  private readonly limiter: RateLimiter;
  private readonly clock: () => Date;
  private readonly maxAttempts: number;
  private readonly backoffMs: (attempt: number) => number;
  private readonly logLine: (entry: Record<string, unknown>) => void;

  constructor(private readonly deps: WhatsAppSenderDeps) {
    this.limiter = deps.limiter ?? new RateLimiter(deps.time, { perSecond: 60, perChatMs: 250 });
    this.clock = deps.clock ?? (() => new Date(deps.time.now()));
    this.maxAttempts = deps.maxAttempts ?? 6;
    this.backoffMs = deps.backoffMs ?? defaultBackoff;
    this.logLine = deps.logLine ?? ((entry) => console.warn(JSON.stringify(entry)));
  }

  async send(messages: OutboundMessage[]): Promise<SendResult> {
    return this.sendAll(messages, false);
  }

  /** The replies of a conversation turn: the person just wrote, so the window is open whatever is stored. */
  async sendTurn(message: OutboundMessage): Promise<SendResult> {
    return this.sendAll([message], true);
  }

  private async sendAll(messages: OutboundMessage[], inTurn: boolean): Promise<SendResult> {
    const result: SendResult = { sent: [], skipped: [], failed: [], unreachable: [], retry: [], held: [] };
    const lanes = new Map<string, OutboundMessage[]>();
    for (const m of messages) lanes.set(m.to.id, [...(lanes.get(m.to.id) ?? []), m]);
    const queue = [...lanes.values()];
    const worker = async () => {
      for (let lane = queue.shift(); lane; lane = queue.shift()) {
        let stopped = false;
        for (const message of lane) {
          // One person's messages keep their order: after an unfinished one, the rest wait for the retry too.
          const outcome: Outcome = stopped ? 'retry' : await this.deliver(message, inTurn);
          if (outcome === 'busy') result.skipped.push(message.id);
          result[outcome === 'busy' ? 'retry' : outcome].push(message.id);
          stopped ||= outcome === 'busy' || outcome === 'retry';
        }
      }
    };
    const workers = Math.min(this.deps.concurrency ?? 50, queue.length);
    await Promise.all(Array.from({ length: workers }, worker));
    return result;
  }

  private async deliver(message: OutboundMessage, inTurn: boolean): Promise<Outcome> {
    const { log, state } = this.deps;
    let claimed = false;
    try {
      const claim = await log.claim(message.id, this.clock(), this.deps.leaseSeconds ?? 600);
      if (claim.status !== 'claimed') return claim.status === 'sent' ? 'skipped' : 'busy';
      claimed = true;
      if (message.to.channel !== 'whatsapp')
        return await this.giveUp(message, 'not a WhatsApp number', 'channel');
      let open = inTurn || windowOpen(await state.contact(message.to.id), this.clock(), message.answers);
      for (let done = claim.sentReplies; done < message.replies.length;) {
        const rest = message.replies.slice(done);
        const templates = open ? [] : rest.map((r) => this.template(message.lang, r));
        if (!open && templates.some((t) => !t)) return await this.hold({ ...message, replies: rest });
        const reply = message.replies[done] as Reply;
        const r = open ? await this.sendReply(message, reply) : await this.sendPart(message, templates[0]!);
        if (!r.ok && r.kind === 'windowClosed' && open) {
          // Our record said open; WhatsApp says closed. Believe WhatsApp, and go the template way.
          await state.closeWindow(message.to.id);
          open = false;
          continue;
        }
        if (!r.ok && (r.kind === 'undeliverable' || (!open && r.kind !== 'exhausted'))) {
          return await this.unreachable(message, r.code);
        }
        if (!r.ok) return await this.giveUp(message, `${r.kind} (${r.code})`, r.code);
        if (done === 0 && message.track) await this.deps.events.delivered(message, messageRef(message.to, 0));
        done++;
        if (done < message.replies.length) {
          await log.markProgress(message.id, done, this.clock(), this.deps.leaseSeconds ?? 600);
        }
      }
      await log.markSent(message.id, this.clock());
      return 'sent';
    } catch (err) {
      this.logLine({
        msg: 'whatsapp delivery interrupted',
        id: message.id,
        error: err instanceof Error ? err.name : typeof err,
      });
      if (claimed) await log.release(message.id).catch(() => undefined);
      return 'retry';
    }
  }

  private template(lang: string, reply: Reply): TemplateMessage | null {
    const channel = {
      escape: escapeUser,
      deepLink: (p: string) => deepLink(this.deps.businessNumber, p),
    };
    return templateFor(this.deps.templates, lang, reply, channel);
  }

  /** Outside the window with no template: kept for the person, who is told once that messages wait. */
  private async hold(message: OutboundMessage): Promise<Outcome> {
    const { state } = this.deps;
    const now = this.clock();
    await state.hold(parked(message), now);
    this.logLine({ msg: 'whatsapp message held: outside the 24-hour window, no template', id: message.id });
    const nudge = updatesMessage(this.deps.templates, message.lang);
    if (nudge && (await state.claimNudge(message.to.id, now))) {
      const r = await this.sendPart(message, nudge);
      if (!r.ok && r.kind !== 'exhausted') return this.unreachable(message, r.code);
    }
    await this.finish(message.id, 'held');
    return 'held';
  }

  private async finish(id: string, outcome: DeliveryOutcome): Promise<void> {
    await this.deps.log.markSent(id, this.clock(), outcome);
  }

  private async unreachable(message: OutboundMessage, code: number | string): Promise<Outcome> {
    this.logLine({ msg: 'whatsapp recipient unreachable', id: message.id, code });
    await this.deps.events.unreachable(message.personId, message);
    await this.finish(message.id, 'unreachable');
    return 'unreachable';
  }

  /** Keeps the message and raises the alert; retrying cannot help any more. */
  private async giveUp(message: OutboundMessage, reason: string, code: number | string): Promise<Outcome> {
    this.logLine({ msg: 'whatsapp message kept as undeliverable', id: message.id, code });
    await this.deps.log.keep(message, reason, this.clock());
    await this.deps.events.undeliverable(message, reason);
    return 'failed';
  }

  /** One reply: its parts in order, then the numbered menu it showed, if any. */
  private async sendReply(message: OutboundMessage, reply: Reply): Promise<PartResult> {
    const rendered = renderReply(message.lang, reply, this.deps.businessNumber);
    let last: PartResult = { ok: false, kind: 'rejected', code: 'empty' };
    for (const part of rendered.parts) {
      last = await this.sendPart(message, part);
      if (!last.ok) return last;
    }
    if (rendered.menu) await this.deps.state.setMenu(message.to.id, rendered.menu);
    return last;
  }

  /** One API message, retried after rate limits and after 5xx, network errors and timeouts. */
  private async sendPart(message: OutboundMessage, part: Outgoing | TemplateMessage): Promise<PartResult> {
    const to = message.to.id;
    let failures = 0;
    let throttles = 0;
    for (;;) {
      await this.limiter.acquire(to);
      let kind: Failure;
      let code: number | string = 'network';
      try {
        return { ok: true, id: (await this.call(to, part)).id };
      } catch (err) {
        kind = classify(err);
        if (err && typeof err === 'object' && 'code' in err && typeof err.code === 'number') code = err.code;
      }
      if (kind === 'setup') throw new WhatsAppSetupError(`WhatsApp refused the bot's credentials (${code})`);
      if (kind === 'throttled') {
        const wait = Math.max(this.backoffMs(++throttles), code === 131056 ? pairRateWaitMs : 0);
        if (code !== 131056) this.limiter.pauseUntil(this.deps.time.now() + wait);
        if (throttles > this.maxAttempts * 5) return { ok: false, kind: 'exhausted', code };
        await this.deps.time.sleep(wait);
        continue;
      }
      if (kind !== 'transient') return { ok: false, kind, code };
      if (++failures >= this.maxAttempts) return { ok: false, kind: 'exhausted', code };
      await this.deps.time.sleep(this.backoffMs(failures));
    }
  }

  private async call(to: string, part: Outgoing | TemplateMessage): Promise<{ id: string }> {
    const signal = AbortSignal.timeout(this.deps.callTimeoutMs ?? 15_000);
    const { client } = this.deps;
    if (part.type !== 'document') return client.send(to, part, signal);
    const id = await client.upload({ ...part.upload, type: 'text/plain' }, signal);
    const { filename } = part.upload;
    return client.send(
      to,
      { type: 'document', document: { id, filename, ...(part.caption ? { caption: part.caption } : {}) } },
      signal,
    );
  }
}
