import { describe, expect, it } from 'vitest';
import { escapeHtml, renderReply } from '../../bot/adapters/channels/telegram/render.js';
import { toInbound } from '../../bot/adapters/channels/telegram/inbound.js';
import type { Update } from 'grammy/types';

describe('Telegram rendering', () => {
  it('escapes user text but keeps the locale markup', () => {
    const out = renderReply(
      'en',
      { text: 'link.request', params: { relative: '<b>Eve</b> & co' } },
      'vicini_bot',
    );
    expect(out.text).toBe(
      '<b>&lt;b&gt;Eve&lt;/b&gt; &amp; co</b> would like to follow you on Vicini as a relative. Are they family?',
    );
    expect(escapeHtml('a<b>&c')).toBe('a&lt;b&gt;&amp;c');
  });

  it('builds deep links for invite payloads', () => {
    const out = renderReply(
      'it',
      { text: 'link.inviteCreated', params: { link: { deepLink: 'rCODE1234' }, hours: 48 } },
      'vicini_bot',
    );
    expect(out.text).toContain('https://t.me/vicini_bot?start=rCODE1234');
  });

  it('gives the elder a persistent keyboard with the two big buttons', () => {
    const out = renderReply('it', { text: 'menu.elder', keyboard: 'elder' }, 'b');
    expect(out.markup).toMatchObject({
      keyboard: [[{ text: '😊 Sto bene' }], [{ text: '🆘 Ho bisogno di aiuto' }]],
      is_persistent: true,
    });
  });
});

describe('Telegram inbound', () => {
  const from = { id: 5, is_bot: false, first_name: 'Ada', language_code: 'en' };
  const chat = { id: 5, type: 'private' as const, first_name: 'Ada' };
  const message = (extra: object) =>
    ({ update_id: 1, message: { message_id: 1, date: 0, chat, from, ...extra } }) as unknown as Update;

  it('reads commands with their payload', () => {
    const update = message({
      text: '/start rABCDEFGH',
      entities: [{ type: 'bot_command', offset: 0, length: 6 }],
    });
    expect(toInbound(update)?.input).toEqual({ kind: 'command', command: 'start', arg: 'rABCDEFGH' });
  });

  it('maps the elder keyboard labels of any language to their buttons', () => {
    expect(toInbound(message({ text: '😊 Sto bene' }))?.input).toEqual({ kind: 'button', data: 'a:ok' });
    expect(toInbound(message({ text: '🆘 I need help' }))?.input).toEqual({ kind: 'button', data: 'a:help' });
  });

  it('ignores groups and update kinds it does not handle', () => {
    expect(toInbound({ update_id: 2, edited_message: {} } as unknown as Update)).toBeNull();
    const group = {
      update_id: 3,
      message: { message_id: 1, date: 0, chat: { id: -1, type: 'group', title: 'g' }, from, text: 'hi' },
    };
    expect(toInbound(group as unknown as Update)).toBeNull();
    expect(toInbound(message({ sticker: {} }))?.input).toEqual({ kind: 'unsupported' });
  });

  it('tells a shared own contact from someone else’s', () => {
    expect(
      toInbound(message({ contact: { phone_number: '+39333', first_name: 'Ada', user_id: 5 } }))?.input,
    ).toEqual({
      kind: 'contact',
      phone: '+39333',
      own: true,
    });
    expect(
      toInbound(message({ contact: { phone_number: '+39333', first_name: 'Bo', user_id: 9 } }))?.input,
    ).toMatchObject({
      own: false,
    });
  });
});
