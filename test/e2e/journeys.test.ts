import { afterEach, describe, expect, it } from 'vitest';
import { startWorld } from '../support/channels.js';
import type { ChatUser, ChatWorld } from '../support/world.js';

/** Journeys that end somewhere, on both channels: "nobody came", and notices that wait for the morning. */
describe.each(['telegram', 'whatsapp'] as const)('closed journeys on %s', (channel) => {
  let world: ChatWorld;
  afterEach(async () => {
    expect(world.problems()).toEqual([]);
    await world.close();
  });

  async function mediator(name: string): Promise<ChatUser> {
    const m = world.user(name, 'it');
    await m.send(`/start ${await world.mediatorInvite('nord')}`);
    await m.press('Italiano');
    await m.press(new RegExp(name));
    await m.press('Salta');
    await m.press("✅ Sono d'accordo");
    return m;
  }

  async function elder(): Promise<ChatUser> {
    const e = world.user('Maria', 'it');
    await e.send('/start');
    await e.press('Italiano');
    await e.press('Mi serve aiuto per me');
    await e.press(/Maria/);
    await e.press('Zona Nord');
    await e.press('Mompiano');
    await e.send('Via dei Mille 5');
    await e.shareContact('+39 333 765 4321');
    await e.press('Non voglio la domanda quotidiana');
    await e.press("✅ Sono d'accordo");
    return e;
  }

  async function relativeOf(e: ChatUser): Promise<ChatUser> {
    await e.press('👪 Invita un familiare');
    const payload = /start(?:=|%20)(r\w+)/.exec(e.lastText())![1]!;
    const relative = world.user('Luca', 'it');
    await relative.send(`/start ${payload}`);
    await relative.press('Italiano');
    await relative.press(/Luca/);
    await relative.press('Salta');
    await relative.press("✅ Sono d'accordo");
    await e.press('✅ Sì, è di famiglia');
    return relative;
  }

  async function volunteer(name: string, hood: string, approver: ChatUser): Promise<ChatUser> {
    const v = world.user(name, 'it');
    await v.send('/start');
    await v.press('Italiano');
    await v.press('Voglio fare volontariato');
    await v.press(new RegExp(name));
    await v.press('Zona Nord');
    await v.press(hood);
    await v.press('5 km');
    await v.press('⬜ Farmacia');
    await v.press('✅ Fatto');
    await v.press('Tutti i giorni');
    for (const part of ['⬜ Mattina', '⬜ Pomeriggio', '⬜ Sera']) await v.press(part);
    await v.press('✅ Fatto');
    await v.press('⬜ Italiano');
    await v.press('✅ Fatto');
    await v.press('Salta');
    await v.press("✅ Sono d'accordo");
    await approver.press('✅ Approva');
    return v;
  }

  const offered = (p: ChatUser) =>
    p.texts().filter((t) => t.startsWith('🙋 Richiesta di aiuto vicino a te')).length;

  it('"nobody came": the request opens again without that volunteer and the mediator is alerted', async () => {
    world = await startWorld(channel, { at: '2026-11-21T09:00:00Z' });
    const m = await mediator('Giulia');
    const e = await elder();
    const anna = await volunteer('Anna', 'Mompiano', m);
    const bruno = await volunteer('Bruno', 'Casazza', m);
    await e.press('🙋 Chiedi un volontario');
    await e.press('Farmacia');
    await e.press('Oggi');
    await e.press('Salta');
    await e.press('No');
    await anna.press('✅ Ci vado io');
    await anna.press('✅ Fatto');
    const brunoOffers = offered(bruno);
    const annaOffers = offered(anna);
    await e.press('🚫 Non è venuto nessuno');
    expect(e.lastText()).toMatch(/Ho riaperto la richiesta/);
    expect(m.texts().join('\n')).toMatch(/Maria.*dice che non è venuto nessuno/);
    expect(anna.lastText()).toMatch(/non è arrivato nessuno/);
    // New offers, never to Anna again.
    expect(offered(bruno)).toBe(brunoOffers + 1);
    expect(offered(anna)).toBe(annaOffers);
    // A second press (a double tap) changes nothing.
    const count = m.texts().length;
    await e.press('🚫 Non è venuto nessuno').catch(() => undefined);
    expect(m.texts().length).toBe(count);
    await bruno.press('✅ Ci vado io');
    expect(e.lastText()).toMatch(/Bruno verrà/);
  });

  it('a non-urgent notice to an elder in quiet hours waits until 08:00', async () => {
    world = await startWorld(channel, { at: '2026-11-21T09:00:00Z' });
    await mediator('Giulia');
    const e = await elder();
    const relative = await relativeOf(e);
    world.clock.current = new Date('2026-11-21T21:00:00Z'); // 22:00 in Brescia
    await relative.send('/request');
    await relative.press('Spesa');
    await relative.press('Domani');
    await relative.press('Salta');
    await relative.press('No');
    expect(relative.lastText()).toMatch(/Richiesta inviata per Maria/);
    const asked = () => e.texts().filter((t) => /Luca ha chiesto per te un volontario/.test(t)).length;
    expect(asked()).toBe(0);
    await world.tickAt('2026-11-21T23:00:00Z');
    await world.tickAt('2026-11-22T06:59:00Z');
    expect(asked()).toBe(0);
    await world.tickAt('2026-11-22T07:00:00Z'); // 08:00 in Brescia
    expect(asked()).toBe(1);
  });

  it('a notice held for the night is not sent to someone who erased themselves before morning', async () => {
    world = await startWorld(channel, { at: '2026-11-21T09:00:00Z' });
    await mediator('Giulia');
    const e = await elder();
    const relative = await relativeOf(e);
    world.clock.current = new Date('2026-11-21T21:00:00Z'); // 22:00 in Brescia
    await relative.send('/request');
    await relative.press('Spesa');
    await relative.press('Domani');
    await relative.press('Salta');
    await relative.press('No');
    await e.send('/forget');
    await e.press('Sì, cancella');
    await e.press('🗑️ Cancella tutto');
    const before = e.texts().length;
    await world.tickAt('2026-11-22T07:00:00Z'); // 08:00 in Brescia: the held timer fires
    expect(e.texts().length).toBe(before);
  });

  it('onboarding says exactly when the first question comes: today, or from tomorrow', async () => {
    world = await startWorld(channel, { at: '2026-11-21T06:00:00Z' }); // 07:00 in Brescia
    const onboard = async (name: string) => {
      const e = world.user(name, 'it');
      await e.send('/start');
      await e.press('Italiano');
      await e.press('Mi serve aiuto per me');
      await e.press(new RegExp(name));
      await e.press('Zona Nord');
      await e.press('Mompiano');
      await e.press('Salta');
      await e.press('Salta');
      await e.press('Alle 09:00');
      await e.press("✅ Sono d'accordo");
      return e;
    };
    const early = await onboard('Maria');
    expect(early.texts().join('\n')).toMatch(/Oggi alle 09:00 ti chiederò come stai/);
    world.clock.current = new Date('2026-11-21T10:00:00Z'); // 11:00: today's has passed
    const late = await onboard('Rosa');
    expect(late.texts().join('\n')).toMatch(/Da domani, ogni giorno alle 09:00/);
  });
});
