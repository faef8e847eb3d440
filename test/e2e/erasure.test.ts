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

/**
 * Erasure reaches every reference to a person (PRODUCT.md, rules that never bend); the invariant
 * checker (test/support/invariants.ts) scans the whole table after each scenario.
 */
describe.each(['telegram', 'whatsapp'] as const)('erasure on %s', (channel) => {
  let world: ChatWorld;
  afterEach(async () => {
    expect(world.problems()).toEqual([]);
    await world.close();
  });

  const offered = (p: ChatUser) => p.texts().some((t) => t.startsWith('🙋 Richiesta di aiuto vicino a te'));

  it("an assigned volunteer's /forget re-offers the task, tells the elder, relative and mediator, and leaves no trace", async () => {
    world = await startWorld(channel, { at: '2026-11-21T09:00:00Z' });
    const m = await onboardMediator(world, 'Giulia', 'nord');
    const e = await onboardElder(world, { address: 'Via dei Mille 5' });
    const relative = await linkRelative(world, e);
    const anna = await onboardVolunteer(world, 'Anna', 'Mompiano', { approvedBy: m });
    const bruno = await onboardVolunteer(world, 'Bruno', 'Casazza', { approvedBy: m });
    const carla = await onboardVolunteer(world, 'Carla', 'Borgo Trento', { approvedBy: m });
    const dario = await onboardVolunteer(world, 'Dario', "Sant'Eustacchio", { approvedBy: m });
    await askForHelp(e, { note: 'La ricetta è sul tavolo' });
    expect([anna, bruno, carla, dario].map(offered)).toEqual([true, true, true, false]);
    await bruno.press('✅ Ci vado io');
    expect(e.lastText()).toMatch(/Bruno verrà/);
    const brunoId = (await world.personOf(bruno))!.id;

    await forget(bruno);
    for (const told of [e, relative]) expect(told.lastText()).toMatch(/Bruno non può più venire/);
    expect(m.texts().join('\n')).toMatch(/Bruno ha lasciato Vicini: la richiesta di Maria \(Farmacia\)/);
    // A new round: the nearest again, Bruno not among them; Dario is now within the best three.
    expect(offered(dario)).toBe(true);
    const [r] = await world.runtime.deps.requests.requestsOf((await world.personOf(e))!.id);
    expect(r).toMatchObject({ state: 'open' });
    expect(JSON.stringify(r)).not.toContain(brunoId);
    await anna.press('✅ Ci vado io');
    expect(e.lastText()).toMatch(/Anna verrà/);
  }, 120_000);

  it("an offered volunteer's /forget takes their offer out of the request; the others still accept", async () => {
    world = await startWorld(channel, { at: '2026-11-21T09:00:00Z' });
    const m = await onboardMediator(world, 'Giulia', 'nord');
    const e = await onboardElder(world, { address: 'Via dei Mille 5' });
    const anna = await onboardVolunteer(world, 'Anna', 'Mompiano', { approvedBy: m });
    const bruno = await onboardVolunteer(world, 'Bruno', 'Casazza', { approvedBy: m });
    await askForHelp(e, { note: 'La ricetta è sul tavolo' });
    expect([anna, bruno].map(offered)).toEqual([true, true]);
    await forget(bruno);
    const [r] = await world.runtime.deps.requests.requestsOf((await world.personOf(e))!.id);
    expect(Object.keys(r!.offerMsgs ?? {})).toHaveLength(1);
    expect(r!.offeredTo).toHaveLength(1);
    await anna.press('✅ Ci vado io');
    expect(anna.texts().join('\n')).toMatch(/Via dei Mille 5/);
  }, 120_000);
});

/**
 * A card with an elder's details for a WhatsApp volunteer outside the 24-hour window is held without
 * them (a template says there is something to see) and read again when the volunteer writes: only
 * while the request is still theirs, and only while the elder is still there.
 */
describe('a hand-assigned volunteer outside her WhatsApp window', () => {
  let world: ChatWorld;
  afterEach(async () => {
    expect(world.problems()).toEqual([]);
    await world.close();
  });

  async function assignedWhileAway() {
    world = await startWorld('whatsapp', { at: '2026-11-20T09:00:00Z' });
    const m = await onboardMediator(world, 'Giulia', 'nord');
    const e = await onboardElder(world, { address: 'Via dei Mille 5' });
    const anna = await onboardVolunteer(world, 'Anna', 'Mompiano', { approvedBy: m });
    // A day later: everyone's window is closed until they write.
    world.clock.current = new Date('2026-11-21T09:00:00Z');
    await askForHelp(e, { note: 'La ricetta è sul tavolo' });
    await m.send('ciao'); // the mediator's window is open, Anna's is not
    await world.tickAt('2026-11-21T09:16:00Z');
    await world.tickAt('2026-11-21T09:32:00Z');
    expect(m.lastText()).toMatch(/Nessun volontario ha accettato/);
    await m.press('👥 Assegna un volontario');
    await m.press(/^Anna/);
    expect(m.lastText()).toBe('📨 Ho chiesto a Anna se può andare. Aspetto la risposta e ti scrivo.');
    // Outside her window the ask goes as a template: what, when and where roughly, nothing personal.
    expect(anna.lastText()).toMatch(/Giulia ti chiede se puoi aiutare/);
    expect(anna.texts().join('\n')).not.toMatch(/Via dei Mille|765|Maria|ricetta/);
    const held = (await world.scan()).filter((i) => i.entity === 'held');
    expect(JSON.stringify(held)).not.toMatch(/Via dei Mille|765|Maria|ricetta/);
    return { e, anna };
  }

  const slow = 120_000;

  it(
    'the ask goes as a template; the card, with the address, comes with her yes',
    async () => {
      const { anna } = await assignedWhileAway();
      await anna.send('ciao');
      // The card is read at her yes, live.
      await anna.press('✅ Ci vado io');
      expect(anna.texts().join('\n')).toMatch(/Per: Maria\nIndirizzo: Via dei Mille 5/);
    },
    slow,
  );

  it(
    'after the elder cancelled: nothing personal is delivered',
    async () => {
      const { e, anna } = await assignedWhileAway();
      await e.send('/requests');
      await e.press('❌ Annulla la richiesta');
      await anna.send('ciao');
      await anna.press('✅ Ci vado io');
      expect(anna.texts().join('\n')).not.toMatch(/Via dei Mille|Maria|765/);
    },
    slow,
  );

  it(
    'after the elder erased herself: nothing personal is delivered',
    async () => {
      const { e, anna } = await assignedWhileAway();
      await forget(e);
      await anna.send('ciao');
      await anna.press('✅ Ci vado io');
      expect(anna.texts().join('\n')).not.toMatch(/Via dei Mille|Maria|765/);
    },
    slow,
  );
});

/**
 * A mediator's alert card outside her WhatsApp window, where no template stands in for it (a network
 * that has not had it approved): held without the elder's address and phone, and read again when
 * she writes, only while the alert is not closed.
 */
describe('an alert card held for a mediator outside her WhatsApp window', () => {
  let world: ChatWorld;
  afterEach(async () => {
    expect(world.problems()).toEqual([]);
    await world.close();
  });

  async function missedWhileAway() {
    world = await startWorld('whatsapp', {
      at: '2026-11-20T09:00:00Z',
      whatsappTemplates: { 'alert.card': '', 'alert.escalated': '' },
    });
    const m = await onboardMediator(world, 'Giulia', 'nord');
    const e = await onboardElder(world, { address: 'Via dei Mille 5', time: 'Alle 09:00' });
    // Two days on, Maria does not answer; Giulia has not written since she joined.
    for (const at of ['08:00', '08:30', '09:00', '09:30']) await world.tickAt(`2026-11-22T${at}:00Z`);
    expect(m.texts().join('\n')).not.toMatch(/non ha risposto/);
    const held = (await world.scan()).filter((i) => i.entity === 'held');
    expect(held.length).toBeGreaterThan(0);
    expect(JSON.stringify(held)).not.toMatch(/Via dei Mille|765|Maria/);
    return { m, e };
  }

  const slow = 180_000;

  it(
    'arrives with the address and phone when she writes',
    async () => {
      const { m } = await missedWhileAway();
      await m.send('buongiorno');
      const card = m.texts().find((t) => /non ha risposto/.test(t)) ?? '';
      expect(card).toMatch(/Via dei Mille 5/);
      expect(card).toContain('+393337654321');
    },
    slow,
  );

  it(
    'is dropped once the alert is closed: Maria answered in the meantime',
    async () => {
      const { m, e } = await missedWhileAway();
      await e.send('sto bene');
      await m.send('buongiorno');
      expect(m.texts().join('\n')).not.toMatch(/non ha risposto|Via dei Mille|765/);
    },
    slow,
  );
});
