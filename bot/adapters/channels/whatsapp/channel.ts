import { randomUUID } from 'node:crypto';
import type { Person } from '../../../domain/person.js';
import type { Reply } from '../../../flows/types.js';
import type { DeliveryEvents, Outbox } from '../../../core/outbound.js';
import type { Messenger } from '../../../core/ports.js';
import type { TimeSource } from '../time-source.js';
import { graphClient } from './graph-api.js';
import type { DeliveryLog } from '../sender-core.js';
import { WhatsAppSender, type WhatsAppSenderDeps } from './sender.js';
import type { WhatsAppState } from '../../../core/whatsapp-state.js';
import { defaultTemplateConfig, type TemplateConfig } from './templates.js';

export interface WhatsAppOptions {
  phoneNumberId: string;
  accessToken: string;
  /** The bot's own WhatsApp number (digits only), for click-to-chat invite links. */
  businessNumber: string;
  /** The webhook's secrets; a process that only sends needs neither. */
  appSecret?: string;
  verifyToken?: string;
  /** Graph API root with version; default https://graph.facebook.com/v24.0 */
  apiRoot?: string;
  templates?: TemplateConfig;
  fetch?: typeof fetch;
  sender?: Partial<
    Omit<WhatsAppSenderDeps, 'client' | 'log' | 'events' | 'state' | 'templates' | 'businessNumber'>
  >;
}

/** What sends on WhatsApp: its sender and the state it keeps (the webhook adds itself: ./webhook.ts). */
export interface WhatsAppSending {
  sender: WhatsAppSender;
  /** For a webhook's answers: two attempts, then the message is handed back for the queue (`handBack`). */
  answerSender: WhatsAppSender;
  state: WhatsAppState;
}

/**
 * Messages to a person's WhatsApp numbers outside a turn (the Messenger port):
 * through the outbox, so the window's rules apply, whichever process sends
 * them (a Telegram webhook needs no WhatsApp credentials for this).
 */
export function whatsappMessenger(outbox: () => Outbox): Messenger {
  return {
    async send(to: Person, replies: Reply[]) {
      const refs = to.channels.filter((c) => c.channel === 'whatsapp');
      if (!refs.length) return;
      await outbox().enqueue(
        refs.map((ref) => ({
          id: `direct.${randomUUID()}:${to.id}:whatsapp`,
          to: ref,
          personId: to.id,
          lang: to.lang,
          replies,
        })),
      );
    },
  };
}

export const defaultApiRoot = 'https://graph.facebook.com/v24.0';

/**
 * The WhatsApp channel's sending side, wired to the app's ports: its sender and its state. What
 * receives (the webhook, `withWebhook` in ./webhook.ts) is added only where updates are handled, so
 * the tick and the outbox sender carry no conversation.
 */
export function createWhatsAppSending(
  options: WhatsAppOptions,
  parts: {
    state: WhatsAppState;
    log: DeliveryLog;
    events: DeliveryEvents;
    time: TimeSource;
    clock: () => Date;
  },
): WhatsAppSending {
  const client = graphClient({
    apiRoot: options.apiRoot ?? defaultApiRoot,
    phoneNumberId: options.phoneNumberId,
    accessToken: options.accessToken,
    fetch: options.fetch,
  });
  const senderDeps = {
    time: parts.time,
    clock: parts.clock,
    ...options.sender,
    client,
    log: parts.log,
    events: parts.events,
    state: parts.state,
    templates: options.templates ?? defaultTemplateConfig,
    businessNumber: options.businessNumber,
  };
  const sender = new WhatsAppSender(senderDeps);
  return {
    sender,
    answerSender: new WhatsAppSender({
      ...senderDeps,
      maxAttempts: Math.min(senderDeps.maxAttempts ?? 2, 2),
      handBack: true,
    }),
    state: parts.state,
  };
}
