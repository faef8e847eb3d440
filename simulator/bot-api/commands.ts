import type { BotCommand } from 'grammy/types';
import { isRecord, type Params } from './spec.js';

/**
 * The bot's command lists as setMyCommands left them, one per scope and
 * language, and the menu a private chat shows from them.
 */
export class CommandMenus {
  private readonly sets = new Map<string, BotCommand[]>();

  clear(): void {
    this.sets.clear();
  }

  /** Commands set for a language code ('' = none) and scope. */
  get(languageCode = '', scope: unknown = { type: 'default' }): BotCommand[] | undefined {
    return this.sets.get(scopeKey(scope, languageCode));
  }

  /**
   * The menu a private chat shows, found as Telegram documents it: the chat's
   * own scope, then all private chats, then the default, each first for the
   * user's language and then without one.
   */
  menuOf(chatId: number | string, languageCode = ''): BotCommand[] {
    const scopes = [{ type: 'chat', chat_id: chatId }, { type: 'all_private_chats' }, { type: 'default' }];
    for (const scope of scopes) {
      for (const lang of languageCode ? [languageCode, ''] : ['']) {
        const found = this.get(lang, scope);
        if (found) return found;
      }
    }
    return [];
  }

  /** setMyCommands, getMyCommands and deleteMyCommands, with params already validated. */
  readonly methods: Record<string, (p: Params) => unknown> = {
    setMyCommands: (p) => {
      this.sets.set(paramsKey(p), p.commands as BotCommand[]);
      return true;
    },
    getMyCommands: (p) => this.sets.get(paramsKey(p)) ?? [],
    deleteMyCommands: (p) => this.sets.delete(paramsKey(p)) || true,
  };
}

const paramsKey = (p: Params) => scopeKey(p.scope, (p.language_code as string | undefined) ?? '');

/** One key per scope and language: a chat's scope by its id however it was written (number or string). */
function scopeKey(scope: unknown, languageCode: string): string {
  const s = isRecord(scope) ? scope : { type: 'default' };
  const where = s.chat_id === undefined ? String(s.type) : `${String(s.type)}:${String(s.chat_id)}`;
  return `${where}${s.user_id === undefined ? '' : `:${String(s.user_id)}`}|${languageCode}`;
}
