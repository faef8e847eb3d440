import { Bot, GrammyError, HttpError, type Context } from 'grammy';
import type { UserFromGetMe } from 'grammy/types';
import { runTurn } from '../../../app/handle-inbound.js';
import type { AppDeps } from '../../../app/common/deps.js';
import { toInbound } from './inbound.js';
import { setChatMenu } from './commands.js';
import { stackFrames } from '../../stack-traces.js';
import { render } from '../../../core/i18n.js';
import type { Reply } from '../../../flows/types.js';

/** The one context type of the bot. */
export type BotContext = Context;

export interface TelegramOptions {
  token: string;
  apiRoot?: string;
  /** Known bot identity: no getMe at cold start. Without it, call `bot.init()` first. */
  botInfo?: UserFromGetMe;
  /** Each Bot API call gives up after this long; grammY's default (500 s) outlives any Lambda. */
  timeoutSeconds?: number;
}

/** A bot identity built from configuration, so webhooks start without calling getMe. */
export function botInfoFrom(token: string, username: string): UserFromGetMe {
  return {
    id: Number(token.split(':')[0]),
    is_bot: true,
    first_name: 'Vicini',
    username,
    can_join_groups: false,
    can_read_all_group_messages: false,
    supports_inline_queries: false,
    can_connect_to_business: false,
    has_main_web_app: false,
  } as UserFromGetMe;
}

/**
 * The bot and its Bot API client, before any handler: the runtime builds the
 * senders and the use cases' dependencies on `bot.api` first, then hands them
 * to `handleUpdates`.
 */
export function telegramBot(options: TelegramOptions): Bot<BotContext> {
  return new Bot<BotContext>(options.token, {
    ...(options.botInfo ? { botInfo: options.botInfo } : {}),
    client: {
      ...(options.apiRoot ? { apiRoot: options.apiRoot } : {}),
      ...(options.timeoutSeconds ? { timeoutSeconds: options.timeoutSeconds } : {}),
    },
  });
}

/**
 * The Telegram adapter: each update becomes an Inbound and runs as one turn;
 * its replies and notices go out through the outbox after the commit.
 */
export function handleUpdates(bot: Bot<BotContext>, deps: AppDeps): Bot<BotContext> {
  const handle = async (ctx: BotContext) => {
    // The spinner stops at once. Answering is a courtesy: Telegram refuses it for a press
    // older than a few seconds ("query is too old", e.g. a redelivery), and that changes nothing.
    const msg = toInbound(ctx.update);
    if (!msg) {
      if (ctx.callbackQuery) await answerQuietly(ctx);
      return;
    }
    // Read, decide, commit; the press is answered (the spinner stops) as soon as the turn is
    // committed, its request first, while the outbox sends the replies and notices.
    const done = await runTurn(deps, msg, {
      key: { channel: 'telegram', updateId: String(ctx.update.update_id) },
      pressed: ctx.callbackQuery?.message?.message_id,
      ...(ctx.callbackQuery
        ? {
            committed: ({ lang, replies }) => {
              const toast = replies.find((r) => r.toast);
              return answerQuietly(ctx, toast ? toastText(lang, toast) : undefined);
            },
          }
        : {}),
    });
    if (done.menuChanged && ctx.chat) {
      // A menu is a courtesy: failing to set it changes nothing of the turn.
      await setChatMenu(ctx.api, ctx.chat.id, done.person).catch((err: unknown) => {
        if (!(err instanceof GrammyError) && !(err instanceof HttpError)) throw err;
      });
    }
  };

  bot
    .errorBoundary((err) => {
      // No message text, names or numbers in logs: only what failed. Nothing is said to the
      // person: the turn did not commit, and Telegram's retry of the update runs it again.
      console.error(
        JSON.stringify({
          msg: 'update failed',
          update_id: err.ctx.update.update_id,
          error: String(err.error),
          at: stackFrames(err.error),
        }),
      );
      throw err.error;
    })
    .use(handle);

  return bot;
}

/** A toast is plain text of at most 200 characters. */
function toastText(lang: string, r: Reply): string {
  const text = render(lang, r.text, r.params, { escape: (s) => s, deepLink: (s) => s });
  return text.replace(/<[^>]+>/g, '').slice(0, 200);
}

async function answerQuietly(ctx: BotContext, text?: string): Promise<void> {
  await ctx.answerCallbackQuery(text ? { text } : undefined).catch((err: unknown) => {
    if (!(err instanceof GrammyError) && !(err instanceof HttpError)) throw err;
  });
}
