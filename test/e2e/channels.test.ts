import { afterEach, describe, expect, it } from 'vitest';
import { startWorld } from '../support/channels.js';
import {
  askForHelp,
  linkRelative,
  onboardElder,
  onboardMediator,
  onboardVolunteer,
} from '../support/cast.js';
import type { ChatUser, ChatWorld } from '../support/world.js';

/**
 * The onboarding, check-in (with the ladder) and help-request scenarios on WhatsApp, pressed by
 * their labels, read by their texts: every message went through the loopback Graph API, which
 * refuses anything WhatsApp would (too many buttons, long titles, unknown fields) and any
 * free-form message outside the 24-hour window. On Telegram the same scenarios are
 * onboarding.test.ts, checkins.test.ts and requests.test.ts.
 */
describe('on whatsapp', () => {
  const channel = 'whatsapp';
  let world: ChatWorld;
  afterEach(async () => {
    expect(world.problems()).toEqual([]);
    await world.close();
  });

  /** A volunteer told their sign-up waits for the mediator, then approved by them. */
  async function volunteer(name: string, hood: string, approver: ChatUser): Promise<ChatUser> {
    const v = await onboardVolunteer(world, name, hood);
    expect(v.texts().some((t) => /guarderà la tua iscrizione/.test(t))).toBe(true);
    await approver.press('✅ Approva');
    expect(v.texts().some((t) => /approvata/.test(t))).toBe(true);
    return v;
  }

  it('onboarding: an elder with buttons only, a relative through the invite, a volunteer approved by the mediator', async () => {
    world = await startWorld(channel, { at: '2026-11-20T10:00:00Z' });
    const e = await onboardElder(world, { address: 'Via <Prova> & 1 *2*', time: 'Alle 09:00' });
    expect(e.texts().some((t) => /Grazie, .*ogni giorno alle 09:00/.test(t))).toBe(true);
    expect(e.taps()).toContain('😊 Sto bene');
    const stored = await world.personOf(e);
    expect(stored).toMatchObject({ role: 'elder', name: 'Maria', zoneId: 'nord', checkInTime: '09:00' });
    expect(await world.store.getPrivate(stored!.id)).toEqual({
      address: 'Via <Prova> & 1 *2*',
      phone: '+393337654321',
    });

    const relative = await linkRelative(world, e, { typedName: 'Luca <b>Bianchi</b> *Rossi*' });
    // The relative's name reached the elder as text, formatting nothing.
    expect(e.texts().some((t) => t.includes('Luca <b>Bianchi</b>'))).toBe(true);
    expect(relative.texts().some((t) => /Maria ha confermato/.test(t))).toBe(true);
    expect((await world.store.listRelatives(stored!.id)).map((l) => l.status)).toEqual(['confirmed']);

    const m = await onboardMediator(world, 'Giulia', 'nord');
    expect(m.texts().some((t) => /ti occupi della mediazione di prossimità/.test(t))).toBe(true);
    const v = await volunteer('Paolo', 'Casazza', m);
    expect((await world.personOf(v))?.volunteer).toMatchObject({ status: 'approved', radiusKm: 5 });
  });

  it('check-in: the prompt, the ladder at its offsets, and "I\'m fine" telling everyone alerted', async () => {
    world = await startWorld(channel, { at: '2026-11-20T10:00:00Z' });
    const zone = await onboardMediator(world, 'Giulia', 'nord');
    const other = await onboardMediator(world, 'Sara', 'sud');
    const e = await onboardElder(world, { time: 'Alle 09:00' });
    const relative = await linkRelative(world, e, { typedName: 'Luca <b>Bianchi</b> *Rossi*' });
    const prompts = () => e.texts().filter((t) => t.startsWith('Buongiorno, Maria!')).length;
    await world.tickAt('2026-11-21T08:00:00Z'); // 09:00 in Rome
    expect(prompts()).toBe(1);
    await world.tickAt('2026-11-21T08:30:00Z');
    expect(e.lastText()).toMatch(/sono ancora io/);
    await world.tickAt('2026-11-21T09:00:00Z');
    expect(relative.lastText()).toMatch(/Maria non ha ancora risposto.*\+393337654321/s);
    await world.tickAt('2026-11-21T09:30:00Z');
    expect(zone.lastText()).toMatch(/Maria.*Mompiano.*non ha risposto/s);
    expect(other.texts().join('\n')).not.toMatch(/Maria/);
    // 30 minutes unacknowledged: every mediator (on WhatsApp, a day after they last wrote: a template).
    await world.tickAt('2026-11-21T10:00:00Z');
    expect(other.lastText()).toMatch(/nessuno ha ancora preso in carico/);

    await e.press('😊 Sto bene');
    for (const told of [relative, zone, other])
      expect(told.lastText()).toBe('✅ Maria ha risposto: sta bene.');
    expect(await world.runtime.deps.alerts.openAlerts('nord')).toEqual([]);
    const counts = [e, relative, zone, other].map((p) => p.texts().length);
    await world.tickAt('2026-11-21T11:00:00Z');
    expect([e, relative, zone, other].map((p) => p.texts().length)).toEqual(counts);
  });

  it('help request: the nearest three get the offer, the first accept wins, done and confirmed', async () => {
    world = await startWorld(channel, { at: '2026-11-21T09:00:00Z' });
    const m = await onboardMediator(world, 'Giulia', 'nord');
    const e = await onboardElder(world, { address: 'Via dei Mille 5' });
    const relative = await linkRelative(world, e, { typedName: 'Luca <b>Bianchi</b> *Rossi*' });
    const v = {
      anna: await volunteer('Anna', 'Mompiano', m),
      bruno: await volunteer('Bruno', 'Casazza', m),
      carla: await volunteer('Carla', 'Borgo Trento', m),
      dario: await volunteer('Dario', "Sant'Eustacchio", m),
    };
    await askForHelp(e, { note: 'La ricetta è sul tavolo' });
    expect(e.texts().some((t) => t.startsWith('👍 Richiesta inviata: Farmacia, oggi'))).toBe(true);
    const offered = (p: ChatUser) => p.texts().some((t) => t.startsWith('🙋 Richiesta di aiuto vicino a te'));
    expect([v.anna, v.bruno, v.carla, v.dario].map(offered)).toEqual([true, true, true, false]);

    await v.bruno.press('✅ Ci vado io');
    expect(v.bruno.texts().join('\n')).toMatch(
      /Per: Maria\nIndirizzo: Via dei Mille 5\nTelefono: \+393337654321/,
    );
    for (const o of [v.anna, v.carla]) {
      expect(o.texts()).toContain("Questa richiesta l'ha già presa qualcun altro. Grazie lo stesso! 💛");
      expect(o.texts().join('\n')).not.toMatch(/Maria|Via dei Mille|765/);
    }
    expect(e.lastText()).toMatch(/Bruno verrà .*a passare in farmacia per te/);
    expect(relative.lastText()).toMatch(/Bruno andrà .*a passare in farmacia per Maria/);

    await v.bruno.press('✅ Fatto');
    await v.bruno.press('😊 Tutto bene');
    await e.press('✅ Sì, fatto');
    expect(e.lastText()).toBe('Grazie per la conferma! 💛');
    expect(v.bruno.lastText()).toMatch(/Maria ha confermato/);
  });
});
