import type { Bot } from 'grammy';
import type { UserFromGetMe } from 'grammy/types';
import type { AppDeps } from './app/deps.js';
import { createTelegramBot, type BotContext } from './channels/telegram/bot.js';
import { TelegramMessenger } from './channels/telegram/messenger.js';
import type { Network } from './network.js';
import type { Clock, Ids, Store } from './ports.js';
import { systemClock, randomIds } from './system.js';

export interface RuntimeOptions {
  store: Store;
  network: Network;
  token: string;
  apiRoot?: string;
  botInfo?: UserFromGetMe;
  clock?: Clock;
  ids?: Ids;
}

export interface Runtime {
  bot: Bot<BotContext>;
  deps: AppDeps;
}

/** Wires the Telegram bot to the use cases: one place, used by the webhook, the local runner and the tests. */
export function createRuntime(options: RuntimeOptions): Runtime {
  let deps: AppDeps | undefined;
  const bot = createTelegramBot(
    (b) => {
      deps = {
        store: options.store,
        network: options.network,
        clock: options.clock ?? systemClock,
        ids: options.ids ?? randomIds,
        messenger: new TelegramMessenger(b.api, () => b.botInfo.username),
      };
      return deps;
    },
    { token: options.token, apiRoot: options.apiRoot, botInfo: options.botInfo },
  );
  return { bot, deps: deps! };
}
