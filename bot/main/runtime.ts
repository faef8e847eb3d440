import { handleUpdates } from '../adapters/channels/telegram/bot.js';
import { withWebhook, type WhatsAppChannel } from '../adapters/channels/whatsapp/webhook.js';
import {
  createRuntimeCore,
  type DrainableOutbox,
  type RuntimeCore,
  type RuntimeOptions,
} from './runtime-core.js';
import type { InProcessOutbox } from '../adapters/outbox/in-process.js';

export { sendByChannel, type DrainableOutbox, type RuntimeOptions } from './runtime-core.js';

/** The whole runtime: the core, with Telegram's update handlers installed and WhatsApp's webhook. */
export interface Runtime<O extends DrainableOutbox = InProcessOutbox> extends RuntimeCore<O> {
  whatsapp?: WhatsAppChannel;
}

/**
 * Wires the Telegram bot, the stores, the outbox and the sender to the use
 * cases, and handles updates: the webhooks, the local runner and the tests.
 */
export function createRuntime(options: RuntimeOptions & { outbox?: undefined }): Runtime;
export function createRuntime(options: RuntimeOptions): Runtime<DrainableOutbox>;
export function createRuntime(options: RuntimeOptions): Runtime<DrainableOutbox> {
  return withUpdates(createRuntimeCore(options), options);
}

/**
 * A core runtime that handles updates: Telegram's through its bot, WhatsApp's through the webhook
 * (where the channel is configured). The Lambda webhooks add this to the core `lambdaRuntime`
 * builds, so the tick and the sender, which do not, leave the conversation out of their bundles.
 */
export function withUpdates<O extends DrainableOutbox>(
  core: RuntimeCore<O>,
  options: Pick<RuntimeOptions, 'whatsapp'>,
): Runtime<O> {
  handleUpdates(core.bot, core.deps);
  const { whatsapp, ...rest } = core;
  return {
    ...rest,
    ...(whatsapp && options.whatsapp
      ? {
          whatsapp: withWebhook(whatsapp, options.whatsapp, {
            deps: () => core.deps,
            afterUpdate: () => core.finish(),
          }),
        }
      : {}),
  };
}
