import { Bot, GrammyError, HttpError, type Context } from 'grammy';
import type { UserFromGetMe } from 'grammy/types';
import { handleInbound } from '../../../app/handle-inbound.js';
import type { AppDeps } from '../../../app/common/deps.js';
import { reply, type Reply } from '../../../flows/types.js';
import { renderReply } from './render.js';
import { sendReplies } from './messenger.js';
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
    const answered = await handleInbound(deps, msg);
    await deliver(ctx, answered.lang, answered.replies);
  };

  bot
    .errorBoundary(async (err) => {
      // No message text, names or numbers in logs: only what failed.
      console.error(
        JSON.stringify({
          msg: 'update failed',
          update_id: err.ctx.update.update_id,
          error: String(err.error),
        }),
      );
      const chat = err.ctx.chat;
      if (chat?.type === 'private') {
        const lang = err.ctx.from?.language_code === 'en' ? 'en' : 'it';
        await deliver(err.ctx, lang, [reply('errors.generic')]).catch(() => undefined);
      }
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

async function deliver(ctx: BotContext, lang: string, replies: Reply[]): Promise<void> {
  const chatId = ctx.chat?.id;
  if (chatId === undefined) return;
  const username = ctx.me.username;
  const pressed = ctx.callbackQuery?.message;
  let edited = false;
  for (const r of replies) {
    if (r.edit && pressed && !edited && !r.document) {
      edited = true;
      const { text, inline } = renderReply(lang, r, username);
      try {
        await ctx.api.editMessageText(chatId, pressed.message_id, text, {
          parse_mode: 'HTML',
          reply_markup: inline,
        });
        continue;
      } catch (err) {
        // Too old to edit, or unchanged: say it in a new message instead.
        if (!(err instanceof GrammyError) || err.error_code !== 400) throw err;
      }
    }
    await sendReplies(ctx.api, chatId, lang, [r], username);
  }
}
