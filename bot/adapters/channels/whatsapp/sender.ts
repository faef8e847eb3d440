import type { Reply } from '../../../flows/types.js';
import { exponentialBackoff } from '../../../core/backoff.js';
import { messageRef, parked, type OutboundMessage } from '../../../core/outbound.js';
import type { WhatsAppState } from '../../../core/whatsapp-state.js';
import {
  SenderCore,
  type CallFailure,
  type CallResult,
  type Delivery,
  type ReplyEnd,
  type SenderOptions,
} from '../sender-core.js';
import { escapeUser } from './format.js';
import { classify, type GraphClient } from './graph-api.js';
import { deepLink, renderReply, type Outgoing } from './render.js';
import { windowOpen } from './state.js';
import { templateFor, updatesMessage, type TemplateConfig, type TemplateMessage } from './templates.js';

/**
 * Defaults: 6 attempts; backoff 1 s · 2^(n-1), at most 60 s; 60 sends a second (the Cloud API takes
 * about 80 per number) and 250 ms between two to one person; a call times out after 15 s; 50 at once.
 */
export interface WhatsAppSenderDeps extends SenderOptions {
  client: GraphClient;
  state: WhatsAppState;
  templates: TemplateConfig;
  /** The bot's WhatsApp number (digits), for click-to-chat invite links. */
  businessNumber: string;
}

/** WhatsApp's final failures: outside the window (131047), not reachable (131026), or refused. */
type Final = 'windowClosed' | 'undeliverable' | 'rejected';
type PartResult = CallResult<{ id: string }, Final>;

/** WhatsApp's pair rate: about one message every 6 seconds to one person, in the long run. */
const pairRateWaitMs = 6000;

/** What a Graph error means for the call. */
function failure(err: unknown): CallFailure<Final> {
  const kind = classify(err);
  const code =
    err && typeof err === 'object' && 'code' in err && typeof err.code === 'number' ? err.code : 'network';
  switch (kind) {
    case 'throttled':
      // The pair rate limits this person only; the other limits hold every send.
      return code === 131056
        ? { kind, code, everyone: false, atLeastMs: pairRateWaitMs }
        : { kind, code, everyone: true };
    case 'transient':
    case 'setup':
      return { kind, code };
    default:
      return { kind: 'final', final: kind, code, reason: `${kind} (${code})` };
  }
}

/**
 * Sends outbound messages on WhatsApp (the sender core does the delivery log,
 * pacing, retries and reports), within the 24-hour window: inside it, any
 * message; outside it, the reply's approved template, or the message is held
 * until the person writes again (with one "messages are waiting" template
 * meanwhile). A template that cannot be delivered makes the person unreachable.
 */
export class WhatsAppSender extends SenderCore {
  constructor(private readonly deps: WhatsAppSenderDeps) {
    super(deps, {
      channel: 'whatsapp',
      backoffMs: exponentialBackoff(1000, 60_000),
      pacing: { perSecond: 60, perChatMs: 250 },
      callTimeoutMs: 15_000,
      concurrency: 50,
    });
  }

  protected async open(message: OutboundMessage): Promise<Delivery | string> {
    const { state } = this.deps;
    if (message.to.channel !== 'whatsapp') return 'not a WhatsApp number';
    // WhatsApp cannot delete a message: nothing to do (the texts ask the person to delete it).
    if (message.remove) return { reply: async () => ({ ok: true }) };
    // A reply to what the person just wrote carries when they wrote it: open, whatever is stored.
    let inWindow = windowOpen(await state.contact(message.to.id), this.clock(), message.answers);
    const reply = async (index: number): Promise<ReplyEnd> => {
      for (;;) {
        const rest = message.replies.slice(index);
        const templates = inWindow ? [] : rest.map((r) => this.template(message.lang, r));
        if (!inWindow && templates.some((t) => !t)) {
          return this.hold({ ...message, replies: rest }, index === 0 ? this.standIn(message) : null);
        }
        const r = inWindow
          ? await this.sendReply(message, message.replies[index] as Reply)
          : await this.sendPart(message, templates[0]!);
        if (!r.ok && r.kind === 'windowClosed' && inWindow) {
          // Our record said open; WhatsApp says closed. Believe WhatsApp, and go the template way.
          await state.closeWindow(message.to.id);
          inWindow = false;
          continue;
        }
        if (!r.ok && (r.kind === 'undeliverable' || (!inWindow && r.kind !== 'exhausted'))) {
          return { ok: false, end: 'unreachable', code: r.code };
        }
        if (!r.ok) return { ok: false, end: 'failed', reason: r.reason, code: r.code };
        // Only the first reply's place is worth keeping: WhatsApp can neither edit nor delete a later one.
        return { ok: true, ...(index === 0 ? { ref: messageRef(message.to, 0) } : {}) };
      }
    };
    return { reply };
  }

  private template(lang: string, reply: Reply, photo?: Reply['photo']): TemplateMessage | null {
    const channel = {
      escape: escapeUser,
      deepLink: (p: string) => deepLink(this.deps.businessNumber, p),
    };
    return templateFor(this.deps.templates, lang, reply, channel, photo);
  }

  /** The template of the message's stand-in (its first reply's `standIn`), with the message's photo if it has one. */
  private standIn(message: OutboundMessage): TemplateMessage | null {
    const standIn = message.replies[0]?.standIn;
    const photo = message.replies.find((r) => r.photo)?.photo;
    return standIn ? this.template(message.lang, standIn, photo) : null;
  }

  /**
   * Outside the window with no template: kept for the person, who is told once that messages wait,
   * or, when the message has a stand-in, gets it (its quick reply brings what waits).
   */
  private async hold(message: OutboundMessage, standIn: TemplateMessage | null = null): Promise<ReplyEnd> {
    const { state } = this.deps;
    const now = this.clock();
    await state.hold(parked(message), now);
    this.logLine({
      msg: 'whatsapp message held: outside the 24-hour window, no template',
      id: message.id,
    });
    // The stand-in says that something waits, as the nudge would: the nudge is not sent again this window.
    const nudge = standIn ?? updatesMessage(this.deps.templates, message.lang);
    const claimed = nudge && (await state.claimNudge(message.to.id, now));
    if (nudge && (claimed || standIn)) {
      const r = await this.sendPart(message, nudge);
      if (!r.ok && r.kind !== 'exhausted') return { ok: false, end: 'unreachable', code: r.code };
    }
    return { ok: false, end: 'held' };
  }

  /** One reply: its parts in order, then the numbered menu it showed, if any. */
  private async sendReply(message: OutboundMessage, reply: Reply): Promise<PartResult> {
    const rendered = renderReply(message.lang, reply, this.deps.businessNumber);
    let last: PartResult = { ok: false, kind: 'rejected', code: 'empty', reason: 'rejected (empty)' };
    for (const part of rendered.parts) {
      last = await this.sendPart(message, part);
      if (!last.ok) return last;
    }
    if (rendered.menu) await this.deps.state.setMenu(message.to.id, rendered.menu);
    return last;
  }

  /** One API message. */
  private sendPart(message: OutboundMessage, part: Outgoing | TemplateMessage): Promise<PartResult> {
    return this.request(message.to.id, (signal) => this.call(message.to.id, part, signal), failure);
  }

  private async call(
    to: string,
    part: Outgoing | TemplateMessage,
    signal: AbortSignal,
  ): Promise<{ id: string }> {
    const { client } = this.deps;
    if (part.type === 'image') {
      const { filename, png } = part.upload;
      const image = await client.upload(
        { filename, content: Buffer.from(png, 'base64'), type: 'image/png' },
        signal,
      );
      return client.send(
        to,
        { type: 'image', image: { id: image, ...(part.caption ? { caption: part.caption } : {}) } },
        signal,
      );
    }
    if (part.type === 'template' && part.headerImage) {
      const { headerImage, ...template } = part;
      const { filename, png } = headerImage;
      const image = await client.upload(
        { filename, content: Buffer.from(png, 'base64'), type: 'image/png' },
        signal,
      );
      const header = {
        type: 'header' as const,
        parameters: [{ type: 'image' as const, image: { id: image } }],
      };
      const components = [header, ...(template.template.components ?? [])];
      return client.send(to, { ...template, template: { ...template.template, components } }, signal);
    }
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
