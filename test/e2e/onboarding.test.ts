import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { World, type Person } from '../support/world.js';

/** The visible words of each language that a person taps. */
const ui = {
  it: {
    language: 'Italiano',
    elder: 'Mi serve aiuto per me',
    relative: 'Seguo un mio familiare',
    volunteer: 'Voglio fare volontariato',
    zoneNord: 'Zona Nord',
    skip: 'Salta',
    nine: 'Alle 09:00',
    agree: "✅ Sono d'accordo",
    elderDone: /Grazie, .*ogni giorno alle 09:00/,
    invite: '👪 Invita un familiare',
    confirmLink: '✅ Sì, è di famiglia',
    twoKm: '2 km',
    pharmacy: '⬜ Farmacia',
    shopping: '⬜ Spesa',
    done: '✅ Fatto',
    everyDay: 'Tutti i giorni',
    morning: '⬜ Mattina',
    italian: '⬜ Italiano',
    approve: '✅ Approva',
    pending: /controllerà la tua iscrizione/,
    approved: /approvata/,
    requested: /Ho chiesto a Maria di confermare/,
    confirmed: /Maria ha confermato/,
    mediatorDone: /Ora sei mediatore/,
    keyboardOk: '😊 Sto bene',
  },
  en: {
    language: 'English',
    elder: 'I need help for myself',
    relative: 'I look after a family member',
    volunteer: 'I want to volunteer',
    zoneNord: 'Nord zone',
    skip: 'Skip',
    nine: 'At 09:00',
    agree: '✅ I agree',
    elderDone: /Thank you, .*every day at 09:00/,
    invite: '👪 Invite a family member',
    confirmLink: '✅ Yes, family',
    twoKm: '2 km',
    pharmacy: '⬜ Pharmacy',
    shopping: '⬜ Shopping',
    done: '✅ Done',
    everyDay: 'Every day',
    morning: '⬜ Morning',
    italian: '⬜ Italiano',
    approve: '✅ Approve',
    pending: /will review your registration/,
    approved: /has been approved/,
    requested: /I have asked Maria to confirm/,
    confirmed: /Maria confirmed/,
    mediatorDone: /You are now the proximity mediator/,
    keyboardOk: "😊 I'm fine",
  },
} as const;

let world: World;
beforeAll(async () => {
  world = await World.start();
});
afterAll(async () => world.close());
afterEach(() => {
  // Every call the bot made matched the official Bot API method list.
  expect(world.refusedCalls()).toEqual([]);
  // Every button pressed in this test had its callback query answered.
  expect(world.unansweredCallbacks()).toBe(0);
});

async function onboardElder(elder: Person, t: (typeof ui)['it' | 'en']) {
  await elder.send('/start');
  await elder.press(t.language);
  await elder.press(t.elder);
  await elder.press(new RegExp(elder.tg.first_name));
  await elder.press(t.zoneNord);
  await elder.press('Mompiano');
  await elder.send('Via <Prova> & 1');
  await elder.shareContact('+39 333 123 4567');
  await elder.press(t.nine);
  await elder.press(t.agree);
}

describe.each(['it', 'en'] as const)('onboarding in %s', (lang) => {
  const t = ui[lang];

  it('an elder onboards with buttons only, and gets the two big buttons', async () => {
    const elder = world.user('Maria', lang);
    await onboardElder(elder, t);
    expect(elder.texts().some((x) => t.elderDone.test(x))).toBe(true);
    expect(elder.keyboard()).toContain(t.keyboardOk);
    const stored = await world.store.findPersonByChannel({ channel: 'telegram', id: String(elder.chatId) });
    expect(stored).toMatchObject({
      role: 'elder',
      lang,
      name: 'Maria',
      zoneId: 'nord',
      checkInTime: '09:00',
    });
    expect(stored?.place?.neighbourhoodId).toBe('mompiano');
    // Address and phone are stored apart from the profile.
    expect(JSON.stringify(stored)).not.toContain('Prova');
    expect(await world.store.getPrivate(stored!.id)).toEqual({
      address: 'Via <Prova> & 1',
      phone: '+393331234567',
    });
  });

  it('a relative links through the elder’s invite and the elder confirms', async () => {
    const elder = world.user('Maria', lang);
    await onboardElder(elder, t);
    await elder.press(t.invite);
    const link = /https:\/\/t\.me\/vicini_test_bot\?start=(r\w+)/.exec(elder.lastText());
    expect(link).not.toBeNull();

    const relative = world.user('Luca', lang);
    await relative.send(`/start ${link![1]}`);
    await relative.press(t.language);
    await relative.send('Luca <b>Bianchi</b>');
    await relative.press(t.skip);
    await relative.press(t.agree);
    expect(relative.texts().some((x) => t.requested.test(x))).toBe(true);

    // The elder sees the relative's name escaped, and confirms.
    expect(elder.lastText()).toContain('Luca <b>Bianchi</b>');
    await elder.press(t.confirmLink);
    expect(relative.texts().some((x) => t.confirmed.test(x))).toBe(true);
    const elderId = (await world.store.findPersonByChannel({
      channel: 'telegram',
      id: String(elder.chatId),
    }))!.id;
    expect((await world.store.listRelatives(elderId)).map((l) => l.status)).toEqual(['confirmed']);

    // The link is single use.
    const other = world.user('Eve', lang);
    await other.send(`/start ${link![1]}`);
    expect(other.lastText()).toMatch(/non è valido|not valid/);
  });

  it('a mediator joins by invite; a volunteer onboards, is pending, and the mediator approves', async () => {
    const payload = await world.mediatorInvite('nord');
    const mediator = world.user('Giulia', lang);
    await mediator.send(`/start ${payload}`);
    await mediator.press(t.language);
    await mediator.press(/Giulia/);
    await mediator.press(t.skip);
    await mediator.press(t.agree);
    expect(mediator.texts().some((x) => t.mediatorDone.test(x))).toBe(true);

    const volunteer = world.user('Paolo', lang);
    await volunteer.send('/start');
    await volunteer.press(t.language);
    await volunteer.press(t.volunteer);
    await volunteer.press(/Paolo/);
    await volunteer.press(t.zoneNord);
    await volunteer.press('Casazza');
    await volunteer.press(t.twoKm);
    await volunteer.press(t.pharmacy);
    await volunteer.press(t.shopping);
    await volunteer.press(t.done);
    await volunteer.press(t.everyDay);
    await volunteer.press(t.morning);
    await volunteer.press(t.done);
    await volunteer.press(t.italian);
    await volunteer.press(t.done);
    await volunteer.press(t.skip);
    await volunteer.press(t.agree);
    expect(volunteer.texts().some((x) => t.pending.test(x))).toBe(true);
    const stored = await world.store.findPersonByChannel({
      channel: 'telegram',
      id: String(volunteer.chatId),
    });
    expect(stored?.volunteer).toMatchObject({
      status: 'pending',
      radiusKm: 2,
      days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'],
    });
    expect(stored?.volunteer?.categories.sort()).toEqual(['pharmacy', 'shopping']);

    expect(mediator.lastText()).toContain('Paolo');
    await mediator.press(t.approve);
    expect(volunteer.texts().some((x) => t.approved.test(x))).toBe(true);
    expect((await world.store.getPerson(stored!.id))?.volunteer?.status).toBe('approved');
    // The card was edited in place: its buttons are gone.
    expect(() => mediator.findButton(t.approve)).toThrow();
  });
});
