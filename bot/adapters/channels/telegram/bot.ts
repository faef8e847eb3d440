import { Bot, GrammyError, HttpError, type Context } from 'grammy';
import type { UserFromGetMe } from 'grammy/types';
import { runTurn } from '../../../app/handle-inbound.js';
import type { AppDeps } from '../../../app/common/deps.js';
import { toInbound } from './inbound.js';

/** The one context type of the bot. */
export type BotContext = Context;

export interface TelegramOptions {
  token: string;
  apiRoot?: string;
  /** Known bot identity: no getMe at cold start. Without it, call `bot.init()` first. */
  botInfo?: UserFromGetMe;
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
 * The Telegram adapter: each update becomes an Inbound, the shared use case
 * answers, and the replies are rendered here (editing the pressed message
 * where a reply asks to).
 */
export function createTelegramBot(
  makeDeps: (bot: Bot<BotContext>) => AppDeps,
  options: TelegramOptions,
): Bot<BotContext> {
  const bot = new Bot<BotContext>(options.token, {
    ...(options.botInfo ? { botInfo: options.botInfo } : {}),
    client: options.apiRoot ? { apiRoot: options.apiRoot } : {},
  });
  const deps = makeDeps(bot);

  const handle = async (ctx: BotContext) => {
    // The spinner stops at once. Answering is a courtesy: Telegram refuses it for a press
    // older than a few seconds ("query is too old", e.g. a redelivery), and that changes nothing.
    if (ctx.callbackQuery) await answerQuietly(ctx);
    const msg = toInbound(ctx.update);
    if (!msg) return;
    // Read, decide, commit; the outbox sends the replies and notices after the commit.
    await runTurn(deps, msg, {
      key: { channel: 'telegram', updateId: String(ctx.update.update_id) },
      pressed: ctx.callbackQuery?.message?.message_id,
    });
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
        }),
      );
      throw err.error;
    })
    .use(handle);

  return bot;
}

async function answerQuietly(ctx: BotContext): Promise<void> {
  await ctx.answerCallbackQuery().catch((err: unknown) => {
    if (!(err instanceof GrammyError) && !(err instanceof HttpError)) throw err;
  });
}
