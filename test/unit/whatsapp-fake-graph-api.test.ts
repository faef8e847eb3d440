import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeGraphApi, type FakeGraphApi } from '../support/fake-graph-api.js';

/** The loopback Graph API refuses what WhatsApp refuses, so a test passing through it means a message WhatsApp takes. */
let api: FakeGraphApi & { close(): Promise<void> };
const to = '393331234567';
let now = Date.parse('2026-11-21T09:00:00Z');

beforeAll(async () => {
  api = await startFakeGraphApi({
    phoneNumberId: '1065403522',
    accessToken: 'token-0123456789',
    templates: [{ name: 'hello', language: 'it', body: 'Ciao {{1}}!', quickReplies: ['Ok'] }],
    now: () => now,
  });
  api.userSends({ number: to, name: 'Maria' }, 'hi'); // opens the window
});
afterAll(() => api.close());

async function post(message: object, token = 'token-0123456789', path = '/1065403522/messages') {
  const response = await fetch(`${api.apiRoot}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ messaging_product: 'whatsapp', to, ...message }),
  });
  return { status: response.status, body: (await response.json()) as { error?: { code: number } } };
}

const buttons = (titles: string[]) => ({
  type: 'interactive',
  interactive: {
    type: 'button',
    body: { text: 'Scegli' },
    action: { buttons: titles.map((title, i) => ({ type: 'reply', reply: { id: `b${i}`, title } })) },
  },
});
const list = (rows: object[]) => ({
  type: 'interactive',
  interactive: {
    type: 'list',
    body: { text: 'Scegli' },
    action: { button: 'Scegli', sections: [{ title: 'Opzioni', rows }] },
  },
});
const code = async (message: object) => (await post(message)).body.error?.code;

describe('the loopback Graph API', () => {
  it('takes well-formed messages and shows them in the recipient’s chat', async () => {
    expect((await post({ type: 'text', text: { body: 'Ciao' } })).status).toBe(200);
    expect((await post(buttons(['Sì', 'No']))).status).toBe(200);
    expect((await post(list([{ id: 'r1', title: 'Mompiano', description: 'Zona Nord' }]))).status).toBe(200);
    expect(api.messages(to).map((m) => m.kind)).toEqual(['text', 'buttons', 'list']);
  });

  it('refuses too many buttons, long or repeated titles, too many rows, missing fields, unknown fields and types', async () => {
    expect(await code(buttons(['1', '2', '3', '4']))).toBe(131009);
    expect(await code(buttons(['x'.repeat(21)]))).toBe(131009);
    expect(await code(buttons(['😊 Sto benissimo oggi']))).toBe(131009); // 21 UTF-16 units
    expect(await code(buttons(['Sì', 'Sì']))).toBe(131009);
    expect(await code(list(Array.from({ length: 11 }, (_, i) => ({ id: `r${i}`, title: 'x' }))))).toBe(
      131009,
    );
    expect(await code(list([{ id: 'r', title: 'x'.repeat(25) }]))).toBe(131009);
    expect(await code(list([{ id: 'r', title: 'x', description: 'x'.repeat(73) }]))).toBe(131009);
    expect(await code({ type: 'text', text: {} })).toBe(131009);
    expect(await code({ type: 'text', text: { body: 'x'.repeat(4097) } })).toBe(131009);
    expect(await code({ type: 'text', text: { body: 'x' }, extra: true })).toBe(131009);
    expect(await code({ type: 'sticker', sticker: { id: '1' } })).toBe(131009);
    expect(
      await code({
        ...buttons(['a']),
        interactive: { ...buttons(['a']).interactive, body: { text: 'x'.repeat(1025) } },
      }),
    ).toBe(131009);
  });

  it('checks templates against the approved ones: name, language, parameters, buttons', async () => {
    const template = (name: string, params: string[], buttons = 1, language = 'it') => ({
      type: 'template',
      template: {
        name,
        language: { code: language },
        components: [
          { type: 'body', parameters: params.map((text) => ({ type: 'text', text })) },
          ...Array.from({ length: buttons }, (_, i) => ({
            type: 'button',
            sub_type: 'quick_reply',
            index: String(i),
            parameters: [{ type: 'payload', payload: 'a:ok' }],
          })),
        ],
      },
    });
    expect((await post(template('hello', ['Maria']))).status).toBe(200);
    expect(api.messages(to).at(-1)).toMatchObject({
      kind: 'template',
      text: 'Ciao Maria!',
      choices: [{ id: 'a:ok', title: 'Ok' }],
    });
    expect(await code(template('nope', ['Maria']))).toBe(132001);
    expect(await code(template('hello', ['Maria'], 1, 'en'))).toBe(132001);
    expect(await code(template('hello', []))).toBe(132000);
    expect(await code(template('hello', ['Maria'], 2))).toBe(132000);
    expect(await code(template('hello', ['Maria\nRossi']))).toBe(132018);
  });

  it('refuses a wrong token or phone number id, and drops free-form messages outside the window as WhatsApp does', async () => {
    expect((await post({ type: 'text', text: { body: 'x' } }, 'wrong')).status).toBe(401);
    expect(
      (await post({ type: 'text', text: { body: 'x' } }, undefined, '/999/messages')).body.error?.code,
    ).toBe(100);
    const shown = api.messages(to).length;
    now += 24 * 3600_000;
    expect((await post({ type: 'text', text: { body: 'late' } })).status).toBe(200);
    expect(api.messages(to)).toHaveLength(shown);
    expect(api.windowViolations).toBe(1);
    expect(JSON.stringify(api.pendingStatuses.at(-1))).toContain('131047');
  });
});
