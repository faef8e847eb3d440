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
 * The mediator's alert cards, on both channels: everything needed to act
 * (address, phone, the relatives and what they did, missed days in a row,
 * the last answer; whose request and who said no; the worried volunteer and
 * their phone), still there after "I'm handling it".
 */
describe.each(['telegram', 'whatsapp'] as const)('alert cards on %s', (channel) => {
  let world: ChatWorld;
  afterEach(async () => {
    expect(world.problems()).toEqual([]);
    await world.close();
  });

  const elder = (time: string) => onboardElder(world, { address: 'Via dei Mille 5', time });
  const relativeOf = (e: ChatUser) =>
    linkRelative(world, e, { typedName: 'Luca Rossi', phone: { share: '+39 347 111 2222' } });

  async function volunteer(name: string, hood: string, phone: string, approver: ChatUser): Promise<ChatUser> {
    const v = await onboardVolunteer(world, name, hood, { tasks: ['⬜ Farmacia'], phone: { share: phone } });
    // The approval card shows what the volunteer entered, the phone included.
    expect(approver.lastText()).toMatch(
      new RegExp(`Nuova iscrizione[\\s\\S]*${name}[\\s\\S]*\\${phone.replace(/\s/g, '')}`),
    );
    await approver.press('✅ Approva');
    return v;
  }

  it(
    'missed check-in: address, phone, relatives and what they did, the streak; the phone stays after "I\'m handling it"',
    { timeout: 180_000 },
    async () => {
      world = await startWorld(channel, { at: '2026-11-20T10:00:00Z' });
      const zone = await onboardMediator(world, 'Giulia', 'nord');
      const e = await elder('Alle 09:00');
      const relative = await relativeOf(e);

      // Day 1: Maria answers.
      await world.tickAt('2026-11-21T08:00:00Z');
      await e.press('😊 Sto bene');

      // Day 2: silence up to the mediator's rung (09:00, 09:30 reminder, 10:00 relatives, 10:30 mediator in Rome).
      for (const at of ['08:00', '08:30', '09:00', '09:30']) await world.tickAt(`2026-11-22T${at}:00Z`);
      const card = zone.lastText();
      expect(card).toMatch(/Maria.*Mompiano.*non ha risposto/s);
      expect(card).toContain('Via dei Mille 5');
      expect(card).toContain('+393337654321');
      expect(card).toMatch(/Luca Rossi, tel\. \+393471112222: avviso inviato alle 10:00/);
      expect(card).toMatch(/Ultima risposta: 21\/11 alle 09:00, «Sto bene»/);
      expect(card).not.toMatch(/di fila/);

      await zone.press('🙋 Me ne occupo io');
      const acked = zone.lastText();
      expect(acked).toMatch(/Te ne occupi tu/);
      expect(acked).toContain('+393337654321');
      expect(acked).toContain('Via dei Mille 5');
      expect(acked).toContain('Luca Rossi');
      expect(zone.taps().some((t) => /verificato/i.test(t))).toBe(true);
      expect(relative.lastText()).toMatch(/Giulia, del servizio di prossimità, si sta occupando di Maria/);

      // A double tap on the old button changes nothing and still shows the phone.
      await zone.pressForged(
        '✅ Ho verificato: tutto bene',
        `a:ak:m.${(await world.personOf(e))!.id}.2026-11-22`,
      );
      expect(zone.lastText()).toBe('🙋 Te ne occupi già tu: Maria, tel. +393337654321.');
      await zone.press('✅ Ho verificato: tutto bene');
      const closed = zone.texts().filter((t) => /Avviso su Maria chiuso: tutto bene/.test(t));
      expect(closed.at(-1)).toContain('+393337654321');
      expect(relative.lastText()).toMatch(/Giulia.*Maria|Maria.*Giulia/s);

      // Day 3: silence again: the second missed day in a row reaches the mediator at the first rung, and says so.
      const before = zone.texts().length;
      for (const at of ['08:00', '08:30']) await world.tickAt(`2026-11-23T${at}:00Z`);
      // A Monday: the week's figures reach her at 08:00 too, in either order with the card.
      const streak = zone
        .texts()
        .slice(before)
        .filter((t) => /giorni di fila senza risposta/.test(t));
      expect(streak).toHaveLength(1);
      expect(streak[0]).toMatch(/2 giorni di fila senza risposta/);
      expect(streak[0]).toMatch(/Ultima risposta: 21\/11/);
    },
  );

  it(
    'a tick that catches up several rounds at once edits each old copy once, and one copy has buttons',
    { timeout: 180_000 },
    async () => {
      world = await startWorld(channel, { at: '2026-11-20T10:00:00Z' });
      const zone = await onboardMediator(world, 'Giulia', 'nord');
      await elder('Alle 09:00');
      for (const at of ['08:00', '08:30', '09:00', '09:30']) await world.tickAt(`2026-11-21T${at}:00Z`);
      expect(zone.lastText()).toMatch(/Maria.*non ha risposto/s);
      // The tick was down for an hour and a half: the escalation and two re-notifications are all due.
      await world.tickAt('2026-11-21T11:00:00Z');
      await world.tickAt('2026-11-21T11:01:00Z');
      const live = zone.taps().filter((t) => t === '🙋 Me ne occupo io').length;
      // world.problems() (afterEach) fails on any refused call, "message is not modified" included.
      if (channel === 'telegram') expect(live).toBe(1);
      await zone.press('🙋 Me ne occupo io');
      expect(zone.lastText()).toMatch(/Te ne occupi tu/);
    },
  );

  it(
    'one live card: after an escalation and two re-notifications one copy has buttons; every copy follows who took it and who closed it',
    { timeout: 180_000 },
    async () => {
      world = await startWorld(channel, { at: '2026-11-20T10:00:00Z' });
      const zone = await onboardMediator(world, 'Giulia', 'nord');
      const other = await onboardMediator(world, 'Sara', 'sud');
      const e = await elder('Alle 09:00');
      for (const at of ['08:00', '08:30', '09:00', '09:30', '10:00', '10:30', '11:00'])
        await world.tickAt(`2026-11-21T${at}:00Z`);
      const live = (u: ChatUser) => u.taps().filter((t) => t === '🙋 Me ne occupo io').length;
      if (channel === 'telegram') {
        // WhatsApp cannot edit a message: there the older copies stay as sent.
        expect(live(zone)).toBe(1);
        expect(live(other)).toBe(1);
        expect(zone.texts().filter((t) => /vedi il messaggio più sotto/.test(t)).length).toBe(3);
      }
      await zone.press('🙋 Me ne occupo io');
      expect(other.texts().some((t) => /Giulia si occupa dell'avviso su Maria/.test(t))).toBe(true);
      if (channel === 'telegram') {
        expect(live(other)).toBe(0);
        expect(
          other.texts().some((t) => /^🟡 Se ne occupa Giulia/.test(t) && t.includes('+393337654321')),
        ).toBe(true);
      }
      // Sara, of another zone, closes it: Giulia, who took it, hears so, and her card says so.
      // On WhatsApp the card came as a template with one quick reply: Sara finds it with /alerts.
      if (channel === 'whatsapp') await other.send('/alerts');
      await other.press('✅ Ho verificato: tutto bene');
      expect(zone.texts().some((t) => /Sara ha chiuso l'avviso su Maria/.test(t))).toBe(true);
      if (channel === 'telegram') {
        expect(zone.texts().some((t) => /^✅ Sara ha chiuso/.test(t) && t.includes('+393337654321'))).toBe(
          true,
        );
        expect(zone.taps().filter((t) => /verificato/i.test(t))).toEqual([]);
      }
      // An old copy pressed again: already closed, nothing changes.
      await zone.pressForged('Italiano', `a:ar:m.${(await world.personOf(e))!.id}.2026-11-21`);
      expect(zone.lastText()).toBe("L'avviso su Maria è già stato chiuso.");
    },
  );

  it("a relative is refused the mediator's buttons; the alert stays open", { timeout: 180_000 }, async () => {
    world = await startWorld(channel, { at: '2026-11-20T10:00:00Z' });
    await onboardMediator(world, 'Giulia', 'nord');
    const e = await elder('Alle 09:00');
    const relative = await relativeOf(e);
    for (const at of ['08:00', '08:30', '09:00', '09:30']) await world.tickAt(`2026-11-21T${at}:00Z`);
    const elderId = (await world.personOf(e))!.id;
    await relative.pressForged('✅ Ci ho parlato: sta bene', `a:ak:m.${elderId}.2026-11-21`);
    expect(relative.lastText()).toMatch(/Non puoi usare questo pulsante/);
    const [alert] = await world.runtime.deps.alerts.openAlerts('nord');
    expect(alert).toMatchObject({ state: 'open' });
  });

  it(
    'unassigned request: whose, category, age and who said no; a worried volunteer: who and their phone',
    { timeout: 180_000 },
    async () => {
      world = await startWorld(channel, { at: '2026-11-21T09:00:00Z' });
      const zone = await onboardMediator(world, 'Giulia', 'nord');
      expect(zone.texts().some((t) => /mediazione di prossimità della Zona Nord/.test(t))).toBe(true);
      const other = await onboardMediator(world, 'Sara', 'sud');
      const e = await elder('Non voglio la domanda quotidiana');
      await relativeOf(e);
      const anna = await volunteer('Anna', 'Mompiano', '+39 340 555 0001', zone);
      await askForHelp(e);
      await anna.press('Non questa volta');
      for (let minutes = 15; minutes <= 120; minutes += 15)
        await world.tickAt(new Date(Date.parse('2026-11-21T09:00:00Z') + minutes * 60_000));
      const card = zone.texts().find((t) => /Nessun volontario ha accettato/.test(t)) ?? '';
      expect(card).toMatch(
        /Richiesta di Maria \(Persona seguita\): Farmacia, oggi\. Aperta il 21\/11 alle 10:0\d, da \d+ (min|h)/,
      );
      expect(card).toMatch(/Non possono: Anna/);
      expect(card).toContain('Via dei Mille 5');

      await zone.press('🙋 Me ne occupo io');
      // Taken, the card of an unassigned request still offers to assign someone by hand.
      expect(zone.taps().at(-2)).toMatch(/^👥 (Assegna|Scegli)/);
      const bruno = await volunteer('Bruno', 'Mompiano', '+39 340 555 0002', zone);
      // Sara, of another zone, got the escalation: she may assign too (found with /alerts).
      expect(other.texts().some((t) => /Nessun volontario ha accettato la richiesta di/.test(t))).toBe(true);
      await other.send('/alerts');
      await other.press('👥 Assegna un volontario');
      await other.press(/Bruno/);
      await bruno.press('✅ Ci vado io');
      expect(bruno.texts().join('\n')).toMatch(/Via dei Mille 5/);
      await bruno.press('✅ Fatto');
      await bruno.press('😟 Sono in pensiero');
      const worried = zone.texts().find((t) => /in pensiero per/.test(t)) ?? '';
      expect(worried).toMatch(/Bruno.*in pensiero per.*Maria/s);
      expect(worried).toMatch(/Segnalato da Bruno, tel\. \+393405550002/);
    },
  );
});
