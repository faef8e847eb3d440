import { GrammyError, InputFile, type Api } from 'grammy';
import type { Person } from '../../../domain/person.js';
import type { Reply } from '../../../flows/types.js';
import type { Messenger } from '../../../core/ports.js';
import { renderReply } from './render.js';

/** Sends a person's replies on Telegram as new messages (there is no pressed message to edit). */
export async function sendReplies(
  api: Api,
  chatId: number,
  lang: string,
  replies: Reply[],
  botUsername: string,
) {
  for (const r of replies) {
    const { text, markup } = renderReply(lang, r, botUsername);
    if (r.voice) {
      await api.sendVoice(chatId, r.voice, { caption: text, parse_mode: 'HTML' });
    } else if (r.photo) {
      const file = new InputFile(Buffer.from(r.photo.png, 'base64'), r.photo.filename);
      await api.sendPhoto(chatId, file, { caption: text, parse_mode: 'HTML' });
    } else if (r.document) {
      await api.sendDocument(
        chatId,
        new InputFile(Buffer.from(r.document.content, 'utf8'), r.document.filename),
        {
          caption: text,
          parse_mode: 'HTML',
        },
      );
    } else {
      await api.sendMessage(chatId, text, { parse_mode: 'HTML', reply_markup: markup });
    }
  }
}

export class TelegramMessenger implements Messenger {
  constructor(
    private readonly api: Api,
    /** Read when sending: the bot's username is known only after init. */
    private readonly botUsername: () => string,
  ) {}

  async send(to: Person, replies: Reply[]): Promise<void> {
    for (const ref of to.channels.filter((c) => c.channel === 'telegram')) {
      try {
        await sendReplies(this.api, Number(ref.id), to.lang, replies, this.botUsername());
      } catch (err) {
        // One unreachable recipient must not stop the turn; the check-ins issue turns 403s into alerts.
        if (!(err instanceof GrammyError)) throw err;
        console.warn(
          JSON.stringify({ msg: 'telegram send failed', code: err.error_code, method: err.method }),
        );
      }
    }
  }
}
