import type { Update } from 'grammy/types';
import type { ChannelRef } from '../../../domain/person.js';
import type { InboundMessage } from '../../../core/inbound.js';
import type { Inbound } from '../../../flows/types.js';
import { elderWords } from '../elder-words.js';

/** The elder's reply-keyboard labels, in every language, to their button data. */
const elderKey = elderWords();

/** Longest text a flow ever needs (an address); longer text is cut, the step then says it is too long. */
const maxText = 1000;

/**
 * A Telegram update as the shared Inbound type, or null for what the bot does
 * not handle (groups, channels, edits, member changes…): those are ignored.
 */
export function toInbound(update: Update): InboundMessage | null {
  const member = update.my_chat_member;
  if (member?.chat.type === 'private' && member.new_chat_member.status === 'kicked') {
    return {
      ref: { channel: 'telegram', id: String(member.chat.id) },
      hints: {},
      input: { kind: 'blocked' },
    };
  }
  const message = update.message;
  const query = update.callback_query;
  const from = message?.from ?? query?.from;
  const chat = message?.chat ?? query?.message?.chat;
  if (!from || from.is_bot || !chat || chat.type !== 'private') return null;
  const ref: ChannelRef = { channel: 'telegram', id: String(chat.id) };
  const hints = { firstName: from.first_name, languageCode: from.language_code };
  let input: Inbound;
  if (query) {
    input = typeof query.data === 'string' ? { kind: 'button', data: query.data } : { kind: 'unsupported' };
  } else if (message?.text !== undefined) {
    input = textInbound(message.text, message.entities?.[0]);
  } else if (message?.location) {
    input = { kind: 'location', lat: message.location.latitude, lon: message.location.longitude };
  } else if (message?.contact) {
    input = {
      kind: 'contact',
      phone: message.contact.phone_number,
      own: message.contact.user_id === from.id,
    };
  } else if (message?.voice) {
    input = { kind: 'voice', fileId: message.voice.file_id, seconds: message.voice.duration };
  } else {
    input = { kind: 'unsupported' };
  }
  return { ref, hints, input };
}

function textInbound(
  text: string,
  first: { type: string; offset: number; length: number } | undefined,
): Inbound {
  if (first?.type === 'bot_command' && first.offset === 0) {
    const command = text.slice(1, first.length).split('@')[0]!.toLowerCase();
    return { kind: 'command', command, arg: text.slice(first.length).trim().slice(0, 64) };
  }
  const button = elderKey(text.trim());
  if (button) return { kind: 'button', data: button };
  return { kind: 'text', text: text.length > maxText ? text.slice(0, maxText + 1) : text };
}
