import { afterEach, describe, expect, it } from 'vitest';
import { startWorld } from '../support/channels.js';
import { linkRelative, onboardElder, onboardMediator } from '../support/cast.js';
import type { ChatUser, ChatWorld } from '../support/world.js';

/**
 * What elders really send during a check-in, on both channels: typed answers
 * close it as the buttons do; anything else is a sign of life that brings the
 * buttons back and reaches the relatives and the mediator if the ladder goes on.
 */
describe.each(['telegram', 'whatsapp'] as const)('typed and spoken answers on %s', (channel) => {
  let world: ChatWorld;
  afterEach(async () => {
    expect(world.problems()).toEqual([]);
    await world.close();
  });

  async function elderWithRelative(): Promise<{ elder: ChatUser; relative: ChatUser }> {
    const elder = await onboardElder(world, { time: 'Alle 09:00' });
    return { elder, relative: await linkRelative(world, elder) };
  }

  const ladder = ['08:30', '09:00', '09:30', '10:00'];

  it.each(['sto bene', 'Bene, grazie!', '👍'])(
    '"%s" closes the check-in: no reminder, no relatives',
    async (said) => {
      world = await startWorld(channel, { at: '2026-11-20T10:00:00Z' });
      const zone = await onboardMediator(world, 'Giulia', 'nord');
      const { elder, relative } = await elderWithRelative();
      await world.tickAt('2026-11-21T08:00:00Z');
      await elder.send(said);
      expect(elder.lastText()).toMatch(/Che bello, grazie/);
      const counts = [elder, relative, zone].map((p) => p.texts().length);
      for (const at of ladder) await world.tickAt(`2026-11-21T${at}:00Z`);
      expect([elder, relative, zone].map((p) => p.texts().length)).toEqual(counts);
      const me = await world.personOf(elder);
      expect(await world.runtime.deps.checkIns.latestCheckIn(me!.id)).toMatchObject({ state: 'fine' });
    },
  );

  it('"aiuto" typed during the check-in raises the help alert at once', async () => {
    world = await startWorld(channel, { at: '2026-11-20T10:00:00Z' });
    const zone = await onboardMediator(world, 'Giulia', 'nord');
    const { elder, relative } = await elderWithRelative();
    await world.tickAt('2026-11-21T08:00:00Z');
    await elder.send('Aiuto!');
    expect(elder.lastText()).toMatch(/Ho avvisato le persone che ti seguono/);
    expect(relative.lastText()).toMatch(/Maria ha chiesto aiuto.*Mompiano/);
    expect(zone.texts().join('\n')).toMatch(/Maria.*Ho bisogno di aiuto/s);
    const me = await world.personOf(elder);
    expect(await world.runtime.deps.checkIns.latestCheckIn(me!.id)).toMatchObject({ state: 'help' });
  });

  it('"sono dal medico" and a voice note bring the buttons back and reach the relative and the mediator', async () => {
    world = await startWorld(channel, { at: '2026-11-20T10:00:00Z' });
    const zone = await onboardMediator(world, 'Giulia', 'nord');
    const { elder, relative } = await elderWithRelative();
    await world.tickAt('2026-11-21T08:00:00Z');
    world.clock.current = new Date('2026-11-21T08:12:00Z');
    await elder.send('sono dal medico');
    expect(elder.lastText()).toMatch(/Grazie, Maria, ho ricevuto il tuo messaggio/);
    expect(elder.texts().join('\n')).not.toMatch(/Non ho capito/);
    expect(elder.taps()).toContain('😊 Sto bene');
    await world.tickAt('2026-11-21T08:30:00Z');
    await world.tickAt('2026-11-21T09:00:00Z');
    expect(relative.texts().join('\n')).toMatch(
      /Maria non ha ancora risposto[\s\S]*Alle 09:12 Maria ha scritto: «sono dal medico»/,
    );
    await world.tickAt('2026-11-21T09:30:00Z');
    expect(zone.texts().join('\n')).toMatch(
      /non ha risposto[\s\S]*Alle 09:12 Maria ha scritto: «sono dal medico»/,
    );
    expect(await world.runtime.deps.alerts.openAlerts('nord')).toHaveLength(1);

    // The next day: a voice note instead.
    await world.tickAt('2026-11-22T08:00:00Z');
    world.clock.current = new Date('2026-11-22T08:05:00Z');
    await elder.sendVoice();
    expect(elder.lastText()).toMatch(/ho ricevuto il tuo messaggio/);
    const voicesBefore = relative.voices();
    for (const at of ['08:30', '09:00']) await world.tickAt(`2026-11-22T${at}:00Z`);
    // On WhatsApp the relative's window closed: a template, and the messages when they tap it.
    if (channel === 'whatsapp') await relative.press('📬 Leggi');
    expect(relative.texts().join('\n')).toMatch(/Alle 09:05 Maria ha mandato questo messaggio vocale/);
    expect(relative.voices()).toBe(voicesBefore + 1);
    // Then she presses the button the sign of life brought back: the ladder stops.
    await elder.press('😊 Sto bene');
    expect(relative.lastText()).toBe('✅ Maria ha risposto: sta bene.');
  });

  it('"non sto bene" is no answer: a sign of life, never "I didn\'t understand"', async () => {
    world = await startWorld(channel, { at: '2026-11-20T10:00:00Z' });
    const { elder } = await elderWithRelative();
    await world.tickAt('2026-11-21T08:00:00Z');
    await elder.send('non sto bene');
    expect(elder.lastText()).toMatch(/ho ricevuto il tuo messaggio/);
    const me = await world.personOf(elder);
    expect(await world.runtime.deps.checkIns.latestCheckIn(me!.id)).toMatchObject({
      state: 'prompted',
      wrote: { kind: 'text', text: 'non sto bene' },
    });
  });

  it('outside a check-in, "aiuto" opens the help request; a relative\'s "help" too', async () => {
    world = await startWorld(channel, { at: '2026-11-20T10:00:00Z' });
    const { elder, relative } = await elderWithRelative();
    await elder.send('aiuto');
    expect(elder.texts().join('\n')).toMatch(/Se è urgente, tocca «🆘 Ho bisogno di aiuto»/);
    expect(elder.taps()).toContain('Farmacia');
    await elder.press('Farmacia');
    // She gave no address at onboarding: a visit asks for it first (skippable).
    expect(elder.lastText()).toMatch(/Dove deve venire il volontario/);
    await elder.press('Salta');
    expect(elder.lastText()).toMatch(/Per quando/);
    await relative.send('help');
    expect(relative.taps()).toContain('Spesa');
  });
});
