import type { InlineKeyboardMarkup, ReplyKeyboardMarkup, ReplyKeyboardRemove } from 'grammy/types';
import type { Reply, ShareButton } from '../../../flows/types.js';
import { render, translator } from '../../../core/i18n.js';

/** Escapes user text for Telegram's HTML parse mode. */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export interface RenderedMessage {
  text: string;
  markup?: InlineKeyboardMarkup | ReplyKeyboardMarkup | ReplyKeyboardRemove;
  inline?: InlineKeyboardMarkup;
}

/** Telegram's "share with…" link: the chat picker opens with the invite link and a line of text. */
function shareUrl(lang: string, share: ShareButton['share'], deepLink: (payload: string) => string): string {
  const text = render(lang, share.text, undefined, { escape: (s: string) => s, deepLink });
  return `https://t.me/share/url?url=${encodeURIComponent(deepLink(share.payload))}&text=${encodeURIComponent(text)}`;
}

/** Turns a channel-agnostic Reply into Telegram message text (HTML) and markup. */
export function renderReply(lang: string, reply: Reply, botUsername: string): RenderedMessage {
  const channel = {
    escape: escapeHtml,
    deepLink: (payload: string) => `https://t.me/${botUsername}?start=${payload}`,
  };
  const plain = { escape: (s: string) => s, deepLink: channel.deepLink };
  const text = render(lang, reply.text, reply.params, channel);
  if (reply.buttons?.length) {
    const inline: InlineKeyboardMarkup = {
      inline_keyboard: reply.buttons.map((row) =>
        row.map((b) =>
          'data' in b
            ? { text: render(lang, b.label, b.params, plain), callback_data: b.data }
            : {
                text: render(lang, b.label, b.params, plain),
                url: shareUrl(lang, b.share, channel.deepLink),
              },
        ),
      ),
    };
    return { text, markup: inline, inline };
  }
  const t = translator(lang);
  switch (reply.keyboard) {
    case 'elder':
      return {
        text,
        markup: {
          keyboard: [[{ text: t('keyboard.elderOk') }], [{ text: t('keyboard.elderHelp') }]],
          resize_keyboard: true,
          is_persistent: true,
        },
      };
    case 'askLocation':
      return {
        text,
        markup: {
          keyboard: [[{ text: t('keyboard.shareLocation'), request_location: true }]],
          resize_keyboard: true,
          one_time_keyboard: true,
        },
      };
    case 'askContact':
      return {
        text,
        markup: {
          keyboard: [[{ text: t('keyboard.shareContact'), request_contact: true }]],
          resize_keyboard: true,
          one_time_keyboard: true,
        },
      };
    case 'remove':
      return { text, markup: { remove_keyboard: true } };
    default:
      return { text };
  }
}
