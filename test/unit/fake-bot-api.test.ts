import { Api, GrammyError, InlineKeyboard, InputFile } from 'grammy';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startFakeBotApi, type FakeBotApi, type FakeUser } from '../support/fake-bot-api.js';

const anna: FakeUser = { id: 4242, first_name: 'Anna', language_code: 'it' };

let fake: FakeBotApi;
let api: Api;

/** The error grammY throws for a call, so tests can look at Telegram's answer. */
async function rejection(call: Promise<unknown>): Promise<GrammyError> {
  const error = await call.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(GrammyError);
  return error as GrammyError;
}

beforeAll(async () => {
  fake = await startFakeBotApi();
  api = new Api(fake.token, { apiRoot: fake.apiRoot });
});
afterEach(() => {
  fake.setFaults(undefined);
  fake.reset();
});
afterAll(() => fake.close());

describe('fake Bot API', () => {
  it('answers getMe with the bot user derived from the token', async () => {
    const me = await api.getMe();
    expect(me).toMatchObject({
      id: 7000000001,
      is_bot: true,
      first_name: 'Vicini',
      username: 'vicini_test_bot',
    });
  });

  it('sends a message, records the call and keeps it in the chat history', async () => {
    const keyboard = new InlineKeyboard().text('Sì', 'yes').text('No', 'no');
    const sent = await api.sendMessage(anna.id, 'Ciao <b>Anna</b>', {
      parse_mode: 'HTML',
      reply_markup: keyboard,
    });

    expect(sent).toMatchObject({ message_id: 1, chat: { id: anna.id, type: 'private' }, text: 'Ciao Anna' });
    expect(sent.entities).toEqual([{ type: 'bold', offset: 5, length: 4 }]);
    expect(fake.calls).toEqual([
      expect.objectContaining({
        method: 'sendMessage',
        ok: true,
        params: expect.objectContaining({ chat_id: anna.id }),
      }),
    ]);
    expect(fake.sentTo(anna.id)).toHaveLength(1);
    expect(fake.messages(anna.id)[0]?.reply_markup).toEqual(keyboard);
  });

  it('rejects an unknown method with 404', async () => {
    const raw = api.raw as unknown as Record<string, (params: object) => Promise<unknown>>;
    const error = await rejection(raw.sendTelepathy!({ chat_id: 1 }));
    expect(error.error_code).toBe(404);
    expect(fake.calls[0]).toMatchObject({ method: 'sendTelepathy', ok: false });
  });

  it('rejects a parameter the method does not have, and a missing required one', async () => {
    const unknown = await rejection(api.sendMessage(anna.id, 'hi', { colour: 'red' } as never));
    expect(unknown.error_code).toBe(400);
    expect(unknown.description).toMatch(/unknown parameter "colour"/);

    const missing = await rejection(api.raw.sendMessage({ text: 'hi' } as never));
    expect(missing.description).toMatch(/"chat_id" is required/);
  });

  it('checks basic types of parameters', async () => {
    const error = await rejection(api.raw.sendMessage({ chat_id: true, text: 'hi' } as never));
    expect(error.description).toMatch(/"chat_id" must be Integer or String/);
  });

  it('rejects a text over 4096 characters, and an empty one', async () => {
    await expect(api.sendMessage(anna.id, 'x'.repeat(4096))).resolves.toBeDefined();
    const long = await rejection(api.sendMessage(anna.id, 'x'.repeat(4097)));
    expect(long.description).toBe('Bad Request: message is too long');
    const empty = await rejection(api.sendMessage(anna.id, '  '));
    expect(empty.description).toBe('Bad Request: message text is empty');
  });

  it('rejects callback_data over 64 bytes, counting UTF-8 bytes', async () => {
    const ok = new InlineKeyboard().text('ok', 'é'.repeat(32)); // 64 bytes
    await expect(api.sendMessage(anna.id, 'hi', { reply_markup: ok })).resolves.toBeDefined();
    const tooLong = new InlineKeyboard().text('ko', 'é'.repeat(33)); // 66 bytes, 33 characters
    const error = await rejection(api.sendMessage(anna.id, 'hi', { reply_markup: tooLong }));
    expect(error.description).toBe('Bad Request: BUTTON_DATA_INVALID');
  });

  it('rejects keyboards with an unknown button field, a button without action or over 100 buttons', async () => {
    const typo = { inline_keyboard: [[{ text: 'a', callback_date: 'x' }]] } as never;
    const unknown = await rejection(api.sendMessage(anna.id, 'hi', { reply_markup: typo }));
    expect(unknown.description).toMatch(/reply_markup\.inline_keyboard\[0\]\[0\]\.callback_date/);

    const noAction = { inline_keyboard: [[{ text: 'a' }]] } as never;
    const plain = await rejection(api.sendMessage(anna.id, 'hi', { reply_markup: noAction }));
    expect(plain.description).toMatch(/Text buttons are unallowed/);

    const rows = Array.from({ length: 101 }, (_, i) => [{ text: `${i}`, callback_data: `${i}` }]);
    const many = await rejection(api.sendMessage(anna.id, 'hi', { reply_markup: { inline_keyboard: rows } }));
    expect(many.description).toMatch(/reply markup is too long/);
  });

  it('rejects malformed HTML and accepts escaped user text', async () => {
    for (const html of ['<b>bold', 'a < b', 'Tom & Jerry', '<script>x</script>', '<b><i>x</b></i>']) {
      const error = await rejection(api.sendMessage(anna.id, html, { parse_mode: 'HTML' }));
      expect(error.description).toMatch(/^Bad Request: can't parse entities/);
    }
    const escaped = 'a &lt; b &amp; &quot;c&quot; &#128578; <a href="https://x.it/?a=1&amp;b=2">link</a>';
    const sent = await api.sendMessage(anna.id, escaped, { parse_mode: 'HTML' });
    expect(sent.text).toBe('a < b & "c" 🙂 link');
    expect(sent.entities).toEqual([
      { type: 'text_link', offset: 15, length: 4, url: 'https://x.it/?a=1&b=2' },
    ]);
  });

  it('edits a message in the history, refusing unmodified edits and unknown messages', async () => {
    const sent = await api.sendMessage(anna.id, 'Prima', {
      reply_markup: new InlineKeyboard().text('A', 'a'),
    });
    const edited = await api.editMessageText(anna.id, sent.message_id, 'Dopo');

    expect(edited).toMatchObject({ message_id: sent.message_id, text: 'Dopo' });
    expect(fake.messages(anna.id)).toEqual([
      expect.objectContaining({ text: 'Dopo', edit_date: expect.any(Number) }),
    ]);
    expect(fake.messages(anna.id)[0]?.reply_markup).toBeUndefined(); // no reply_markup: keyboard removed

    const same = await rejection(api.editMessageText(anna.id, sent.message_id, 'Dopo'));
    expect(same.description).toMatch(/message is not modified/);
    const missing = await rejection(api.editMessageText(anna.id, 999, 'x'));
    expect(missing.description).toBe('Bad Request: message to edit not found');
  });

  it('parses sendDocument with an InputFile from multipart/form-data', async () => {
    const file = new InputFile(Buffer.from('{"a":1}'), 'data.json');
    const keyboard = new InlineKeyboard().text('Ok', 'ok');
    const sent = await api.sendDocument(anna.id, file, { caption: 'I tuoi dati', reply_markup: keyboard });

    expect(sent.document).toMatchObject({ file_name: 'data.json', file_size: 7 });
    expect(fake.callsTo('sendDocument')[0]?.params).toEqual({
      chat_id: anna.id,
      document: { filename: 'data.json', content: '{"a":1}' },
      caption: 'I tuoi dati',
      reply_markup: keyboard,
    });
  });

  it('replaces a photo with a document by editMessageMedia (multipart), and edits or drops a caption', async () => {
    const png = new InputFile(Buffer.from([0x89, 0x50, 0x4e, 0x47]), 'chart.png');
    const sent = await api.sendPhoto(anna.id, png, { caption: '<b>Grafico</b>', parse_mode: 'HTML' });
    expect(sent.caption_entities).toEqual([{ type: 'bold', offset: 0, length: 7 }]);

    const captioned = await api.editMessageCaption(anna.id, sent.message_id, { caption: 'Nuovo' });
    expect(captioned).toMatchObject({ caption: 'Nuovo', edit_date: expect.any(Number) });
    expect(captioned).not.toHaveProperty('caption_entities');
    const same = await rejection(api.editMessageCaption(anna.id, sent.message_id, { caption: 'Nuovo' }));
    expect(same.description).toMatch(/message is not modified/);

    const csv = new InputFile(Buffer.from('a,b\n1,2\n'), 'figures.csv');
    const edited = await api.editMessageMedia(anna.id, sent.message_id, {
      type: 'document',
      media: csv,
      caption: 'In CSV',
    });
    expect(edited).toMatchObject({ document: { file_name: 'figures.csv', file_size: 8 }, caption: 'In CSV' });
    expect(edited).not.toHaveProperty('photo');
    const fileId = (edited as { document?: { file_id: string } }).document?.file_id ?? '';
    expect(fake.file(fileId)?.content).toBe('a,b\n1,2\n');
    expect(fake.messages(anna.id)).toEqual([edited]);

    const uncaptioned = await api.editMessageCaption(anna.id, sent.message_id);
    expect(uncaptioned).not.toHaveProperty('caption');

    const text = await api.sendMessage(anna.id, 'Solo testo');
    const noMedia = await rejection(
      api.editMessageMedia(anna.id, text.message_id, { type: 'photo', media: png }),
    );
    expect(noMedia.description).toBe('Bad Request: there is no media in the message to edit');
  });

  it("picks a private chat's menu as Telegram does: its own scope, all private chats, then the default", async () => {
    const names = (list: { command: string }[]) => list.map((c) => c.command);
    await api.setMyCommands([{ command: 'start', description: 'Inizia' }]);
    await api.setMyCommands([{ command: 'help', description: 'Help' }], { language_code: 'en' });
    expect(names(fake.menuOf(anna.id, 'it'))).toEqual(['start']);
    expect(names(fake.menuOf(anna.id, 'en'))).toEqual(['help']);

    await api.setMyCommands([{ command: 'request', description: 'Chiedi' }], {
      scope: { type: 'all_private_chats' },
    });
    expect(names(fake.menuOf(anna.id, 'en'))).toEqual(['request']);

    await api.setMyCommands([{ command: 'alerts', description: 'Avvisi' }], {
      scope: { type: 'chat', chat_id: anna.id },
    });
    expect(names(fake.menuOf(anna.id, 'en'))).toEqual(['alerts']);
    expect(names(fake.menuOf(anna.id + 1, 'en'))).toEqual(['request']);
    // The chat's scope is one whether its id came as a number or a string.
    expect(names(fake.commands('', { type: 'chat', chat_id: String(anna.id) }) ?? [])).toEqual(['alerts']);

    await api.deleteMyCommands({ scope: { type: 'chat', chat_id: anna.id } });
    expect(names(fake.menuOf(anna.id, 'it'))).toEqual(['request']);
  });

  it('reads params from a query string and from an urlencoded form, typed per the spec', async () => {
    const base = `${fake.apiRoot}/bot${fake.token}`;
    await fetch(`${base}/sendMessage?chat_id=${anna.id}&text=42`);
    const markup = JSON.stringify({ inline_keyboard: [[{ text: 'a', callback_data: 'b' }]] });
    const form = new URLSearchParams({ chat_id: String(anna.id), text: '[x]', reply_markup: markup });
    const answer = await fetch(`${base}/sendMessage`, { method: 'POST', body: form });

    expect(answer.status).toBe(200);
    expect(fake.calls.map((call) => call.params)).toEqual([
      { chat_id: anna.id, text: '42' },
      { chat_id: anna.id, text: '[x]', reply_markup: JSON.parse(markup) },
    ]);
  });

  it('serves pushed updates through getUpdates long polling and confirms them by offset', async () => {
    const polling = api.getUpdates({ timeout: 5 });
    await new Promise((resolve) => setTimeout(resolve, 50)); // let the poll reach the server and wait
    const pushed = fake.pushUpdate(fake.userSends(anna, '/start ciao'));

    const updates = await polling;
    expect(updates).toEqual([pushed]);
    expect(updates[0]?.message?.entities).toEqual([{ type: 'bot_command', offset: 0, length: 6 }]);
    await expect(api.getUpdates({ offset: pushed.update_id + 1, timeout: 0 })).resolves.toEqual([]);
  });

  it('builds callback queries from the chat history and waits for the answer', async () => {
    const sent = await api.sendMessage(anna.id, 'Vieni?', {
      reply_markup: new InlineKeyboard().text('Sì', 'yes'),
    });
    expect(() => fake.userPresses(anna, anna.id, sent.message_id, 'maybe')).toThrow(/no button "maybe"/);
    const update = fake.userPresses(anna, anna.id, sent.message_id, 'yes');
    expect(update.callback_query).toMatchObject({ data: 'yes', message: { message_id: sent.message_id } });

    const answered = fake.waitFor((call) => call.method === 'answerCallbackQuery', 1000);
    await api.answerCallbackQuery(update.callback_query?.id ?? '');
    await expect(answered).resolves.toMatchObject({ ok: true });
    await expect(fake.waitFor((call) => call.method === 'getMe', 50)).rejects.toThrow(/within 50 ms/);
  });

  it('answers 401 to a wrong token', async () => {
    const intruder = new Api('123:wrong', { apiRoot: fake.apiRoot });
    const error = await rejection(intruder.getMe());
    expect(error.error_code).toBe(401);
    expect(error.description).toBe('Unauthorized');
  });

  it('injects faults: rate 1 with kind 403 makes every call fail', async () => {
    fake.setFaults({ rate: 1, kinds: ['403'], methods: ['sendMessage'] });
    const error = await rejection(api.sendMessage(anna.id, 'Ciao'));
    expect(error.error_code).toBe(403);
    expect(error.description).toBe('Forbidden: bot was blocked by the user');
    expect(fake.calls[0]).toMatchObject({ ok: false, fault: '403' });
    await expect(api.getMe()).resolves.toBeDefined(); // other methods unaffected
  });

  it('injects 429 with retry_after', async () => {
    fake.setFaults({ rate: 1, kinds: ['429'] });
    const error = await rejection(api.getMe());
    expect(error.error_code).toBe(429);
    expect(error.parameters.retry_after).toBe(1);
  });
});
