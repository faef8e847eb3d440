import { afterEach, describe, expect, it } from 'vitest';
import { startWorld } from '../support/channels.js';
import {
  askForHelp,
  forget,
  linkRelative,
  onboardElder,
  onboardMediator,
  onboardVolunteer,
} from '../support/cast.js';
import type { ChatUser, ChatWorld } from '../support/world.js';

/** Journeys that end somewhere, on both channels: "nobody came", and notices that wait for the morning. */
describe.each(['telegram', 'whatsapp'] as const)('closed journeys on %s', (channel) => {
  let world: ChatWorld;
  afterEach(async () => {
    expect(world.problems()).toEqual([]);
    await world.close();
  });

  const elder = () => onboardElder(world, { address: 'Via dei Mille 5' });
  const volunteer = (name: string, hood: string, approver: ChatUser) =>
    onboardVolunteer(world, name, hood, { tasks: ['⬜ Farmacia'], approvedBy: approver });
  /** At 22:00 in Brescia a relative asks for shopping tomorrow: a notice the elder should not get at night. */
  async function relativeAsksAtNight(): Promise<{ e: ChatUser; relative: ChatUser }> {
    world = await startWorld(channel, { at: '2026-11-21T09:00:00Z' });
    await onboardMediator(world, 'Giulia', 'nord');
    const e = await elder();
    const relative = await linkRelative(world, e);
    world.clock.current = new Date('2026-11-21T21:00:00Z');
    await askForHelp(relative, { byCommand: true, category: 'Spesa', when: 'Domani' });
    return { e, relative };
  }

  const offered = (p: ChatUser) =>
    p.texts().filter((t) => t.startsWith('🙋 Richiesta di aiuto vicino a te')).length;

  it('"nobody came": the request opens again without that volunteer and the mediator is alerted', async () => {
    world = await startWorld(channel, { at: '2026-11-21T09:00:00Z' });
    const m = await onboardMediator(world, 'Giulia', 'nord');
    const e = await elder();
    const anna = await volunteer('Anna', 'Mompiano', m);
    const bruno = await volunteer('Bruno', 'Casazza', m);
    await askForHelp(e);
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
    const { e, relative } = await relativeAsksAtNight();
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
    const { e } = await relativeAsksAtNight();
    await forget(e);
    const before = e.texts().length;
    await world.tickAt('2026-11-22T07:00:00Z'); // 08:00 in Brescia: the held timer fires
    expect(e.texts().length).toBe(before);
  });

  it('onboarding says exactly when the first question comes: today, or from tomorrow', async () => {
    world = await startWorld(channel, { at: '2026-11-21T06:00:00Z' }); // 07:00 in Brescia
    const onboard = (name: string) => onboardElder(world, { name, phone: 'skip', time: 'Alle 09:00' });
    const early = await onboard('Maria');
    expect(early.texts().join('\n')).toMatch(/Oggi alle 09:00 ti chiederò come stai/);
    world.clock.current = new Date('2026-11-21T10:00:00Z'); // 11:00: today's has passed
    const late = await onboard('Rosa');
    expect(late.texts().join('\n')).toMatch(/Da domani, ogni giorno alle 09:00/);
  });
});
