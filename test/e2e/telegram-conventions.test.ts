import { afterEach, describe, expect, it } from 'vitest';
import { onboardElder, onboardMediator } from '../support/cast.js';
import { World } from '../support/world.js';
import { WhatsAppWorld } from '../support/channels.js';

/** Telegram as people know it: a press that changes nothing answers on the button, not in the chat. */
describe('presses answered with a toast', () => {
  let world: World;
  afterEach(async () => {
    expect(world.refusedCalls()).toEqual([]);
    await world.close();
  });

  const lastToast = () => world.api.callsTo('answerCallbackQuery').at(-1)?.params.text;

  it('a stale press gets a toast and sends nothing to the chat', async () => {
    world = await World.start({ at: '2026-11-20T10:00:00Z' });
    const u = world.user('Maria', 'it');
    await u.send('/start');
    await u.press('Italiano');
    await u.press('Mi serve aiuto per me');
    // The name question offers her name as a button; she types it instead.
    await u.send('Maria Rossi');
    const before = u.messages().length;
    // The name question, answered by typing, still shows its button: an earlier question's button.
    await u.press(/Maria/);
    expect(lastToast()).toBe('Questo pulsante appartiene a una domanda precedente.');
    expect(u.messages().length).toBe(before);
  });

  it('"Done" with nothing chosen is a toast; the question stays as it is', async () => {
    world = await World.start({ at: '2026-11-20T10:00:00Z' });
    const v = world.user('Paolo', 'it');
    await v.send('/start');
    await v.press('Italiano');
    await v.press('Voglio fare volontariato');
    await v.press(/Paolo/);
    await v.press('Zona Nord');
    await v.press('Mompiano');
    await v.press('5 km');
    const before = v.messages().length;
    await v.press('✅ Fatto');
    expect(lastToast()).toBe('Scegli almeno una voce, poi tocca Fatto.');
    expect(v.messages().length).toBe(before);
    // A press with an answer answers without text.
    await v.press('⬜ Farmacia');
    expect(lastToast()).toBeUndefined();
  });
});

describe('answered questions are edited', () => {
  let world: World;
  afterEach(async () => {
    expect(world.refusedCalls()).toEqual([]);
    await world.close();
  });

  const inline = (m: { reply_markup?: unknown }) =>
    ((m.reply_markup as { inline_keyboard?: unknown[][] } | undefined)?.inline_keyboard ?? []).flat();

  it('a pressed question shows the answer and loses its buttons; ticked choices are listed', async () => {
    world = await World.start({ at: '2026-11-20T10:00:00Z' });
    const v = world.user('Paolo', 'it');
    await v.send('/start');
    const question = v.findButton('Italiano').message;
    await v.press('Italiano');
    const edited = v.messages().find((m) => m.message_id === question.message_id);
    expect(edited?.text).toMatch(/👉 Italiano$/);
    expect(inline(edited ?? {})).toEqual([]);
    await v.press('Voglio fare volontariato');
    await v.press(/Paolo/);
    await v.press('Zona Nord');
    await v.press('Mompiano');
    await v.press('5 km');
    const cats = v.findButton('⬜ Farmacia').message;
    await v.press('⬜ Farmacia');
    await v.press('⬜ Spesa');
    await v.press('✅ Fatto');
    const done = v.messages().find((m) => m.message_id === cats.message_id);
    expect(done?.text).toMatch(/👉 (Farmacia, Spesa|Spesa, Farmacia|.*Farmacia.*Spesa.*)$/);
    expect(inline(done ?? {})).toEqual([]);
  });

  it('the zone question takes its "send my location" keyboard away once answered with a button', async () => {
    world = await World.start({ at: '2026-11-20T10:00:00Z' });
    const v = world.user('Paolo', 'it');
    await v.send('/start');
    await v.press('Italiano');
    await v.press('Voglio fare volontariato');
    await v.press(/Paolo/);
    expect(v.keyboard()).toEqual(['📍 Invia la mia posizione']);
    await v.press('Zona Nord');
    expect(v.keyboard()).toEqual([]);
  });

  it('the check-in prompt, answered with its button, shows the answer and the thanks in one edit', async () => {
    world = await World.start({ at: '2026-11-20T07:00:00Z' });
    const e = await onboardElder(world, { phone: 'skip', time: 'Alle 09:00' });
    await world.tickAt('2026-11-20T08:00:00Z');
    const prompt = e.findButton('😊 Sto bene').message;
    await e.press('😊 Sto bene');
    const edited = e.messages().find((m) => m.message_id === prompt.message_id);
    expect(edited?.text).toMatch(/Come stai oggi\?\n\n👉 😊 Sto bene\n\nChe bello, grazie!/);
    expect(inline(edited ?? {})).toEqual([]);
    expect(e.messages().at(-1)?.message_id).toBe(prompt.message_id);
  });
});

describe('the invite', () => {
  let world: World;
  afterEach(async () => {
    expect(world.refusedCalls()).toEqual([]);
    await world.close();
  });

  it("comes with a share button that opens Telegram's chat picker with the link and a line from the elder", async () => {
    world = await World.start({ at: '2026-11-20T10:00:00Z' });
    const e = await onboardElder(world, { phone: 'skip', time: 'Alle 09:00' });
    await e.press('👪 Invita un familiare');
    const invite = e.messages().at(-1);
    const link = /https:\/\/t\.me\/vicini_test_bot\?start=r\w+/.exec(invite?.text ?? '')?.[0];
    expect(link).toBeDefined();
    const button = (invite?.reply_markup as { inline_keyboard: { text: string; url?: string }[][] })
      .inline_keyboard[0]?.[0];
    expect(button?.text).toBe('📤 Manda l’invito');
    const share = new URL(button?.url ?? '');
    expect(share.origin + share.pathname).toBe('https://t.me/share/url');
    expect(share.searchParams.get('url')).toBe(link);
    expect(share.searchParams.get('text')).toMatch(/^Ti mando il mio invito a Vicini/);
  });
});

describe('command menus per chat', () => {
  let world: World;
  afterEach(async () => {
    expect(world.refusedCalls()).toEqual([]);
    await world.close();
  });

  const menu = (chatId: number) =>
    (world.api.commands('', { type: 'chat', chat_id: chatId }) ?? []).map((c) => c.command);

  it("each role's chat has its own list, in the chosen language; an elder's has no /pending or /alerts", async () => {
    world = await World.start({ at: '2026-11-20T10:00:00Z' });
    const m = await onboardMediator(world, 'Giulia', 'nord');
    expect(menu(m.chatId)).toEqual(expect.arrayContaining(['alerts', 'pending', 'mydata']));

    // The client says English; Maria chooses Italian: the menu is Italian.
    const e = await onboardElder(world, { deviceLang: 'en', phone: 'skip', time: 'Alle 09:00' });
    const elderMenu = world.api.commands('', { type: 'chat', chat_id: e.chatId }) ?? [];
    expect(elderMenu.map((c) => c.command)).toEqual(
      expect.arrayContaining(['request', 'invite', 'pause', 'mydata', 'help']),
    );
    expect(elderMenu.map((c) => c.command)).not.toContain('pending');
    expect(elderMenu.map((c) => c.command)).not.toContain('alerts');
    expect(elderMenu.find((c) => c.command === 'mydata')?.description).toMatch(/dati/i);

    // Changing language refreshes it.
    await e.send('/language');
    await e.press('English');
    const english = world.api.commands('', { type: 'chat', chat_id: e.chatId }) ?? [];
    expect(english.find((c) => c.command === 'mydata')?.description).toMatch(/data/i);
    expect(english.map((c) => c.command)).not.toContain('alerts');
  });
});

describe('the same on WhatsApp, which has no toasts', () => {
  it('a stale tap is answered with a short message', async () => {
    const world = await WhatsAppWorld.start({ at: '2026-11-20T10:00:00Z' });
    try {
      const u = world.user('Maria');
      await u.send('/start');
      await u.press('Italiano');
      await u.press('Mi serve aiuto per me');
      await u.press('English');
      expect(u.lastText()).toBe('Questo pulsante appartiene a una domanda precedente.');
      expect(world.problems()).toEqual([]);
    } finally {
      await world.close();
    }
  });
});
