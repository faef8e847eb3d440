import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { joinAsRelative, onboardElder, onboardMediator, onboardVolunteer } from '../support/cast.js';
import { ui } from '../support/labels.js';
import { translator } from '../../bot/core/i18n.js';
import { World } from '../support/world.js';

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

describe.each(['it', 'en', 'ro', 'uk', 'ar'] as const)('onboarding in %s', (lang) => {
  const t = ui[lang];

  const elderIn = () =>
    onboardElder(world, {
      lang,
      hood: /Mompiano/,
      address: 'Via <Prova> & 1',
      phone: { share: '+39 333 123 4567' },
      time: t.nine,
    });

  it('an elder onboards with buttons only, and gets the two big buttons', async () => {
    const elder = await elderIn();
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
    const elder = await elderIn();
    await elder.press(t.invite);
    const link = /https:\/\/t\.me\/vicini_test_bot\?start=(r\w+)/.exec(elder.lastText());
    expect(link).not.toBeNull();

    const relative = await joinAsRelative(world, link![1]!, { lang, typedName: 'Luca <b>Bianchi</b>' });
    expect(relative.texts().some((x) => t.requested.test(x))).toBe(true);
    // Through the elder's own link, nobody tells the relative to go and ask for a link.
    const ask = translator(lang);
    expect(relative.texts()).not.toContain(ask('menu.relative'));
    await relative.send('/elders');
    expect(relative.lastText().replace(/[\u200e\u200f\u2066-\u2069]/g, '')).toBe(
      ask('link.waiting', { elder: 'Maria' }),
    );

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
    expect(other.lastText()).toMatch(t.invalid);
  });

  it('a mediator joins by invite; a volunteer onboards, is pending, and the mediator approves', async () => {
    const mediator = await onboardMediator(world, 'Giulia', 'nord', { lang });
    expect(mediator.texts().some((x) => t.mediatorDone.test(x))).toBe(true);

    const volunteer = await onboardVolunteer(world, 'Paolo', /Casazza/, {
      lang,
      radius: t.twoKm,
      tasks: [t.pharmacy, t.shopping],
      days: t.everyDay,
      parts: [t.morning],
      speaks: [t.italian],
    });
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
