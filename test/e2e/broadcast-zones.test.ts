import { afterEach, describe, expect, it } from 'vitest';
import { setNetworkAdmin } from '../../bot/app/people/admin.js';
import { startWorld } from '../support/channels.js';
import { linkRelative, onboardElder, onboardMediator, onboardVolunteer } from '../support/cast.js';
import { World, type ChatUser, type ChatWorld } from '../support/world.js';
import { cancelled, everyone, reportOf, send, volunteers } from '../support/broadcasting.js';

/**
 * A network admin's broadcast to every zone: after the audience, only a mediator the admin CLI
 * made the network's admin is asked "this zone or all zones"; all zones reaches each zone's
 * recipients (approved volunteers only), each copy naming the recipient's zone, through the same
 * outbox, templates and report. Nobody else is ever offered it, and a forged press is refused.
 */

const allZones = '🌍 Tutte le zone';
const onlyNord = '📍 Solo zona Nord';
const scope = '📣 Lo mandi solo alla tua zona o a tutte le zone della rete?';

/** Copies of a broadcast from `from` saying `text`, as received in zone `zone`. */
const copiesIn = (p: ChatUser, zone: string, from: string, text: string) =>
  p
    .texts()
    .filter(
      (t) => new RegExp(`^📣 \\*?Zona ${zone}\\*? · un messaggio da ${from}`).test(t) && t.includes(text),
    ).length;

/** The admin CLI's `network-admin`, as it runs: the person found by their channel, the flag on them. */
async function makeAdmin(world: ChatWorld, m: ChatUser, on = true): Promise<void> {
  await setNetworkAdmin({ store: world.store }, m.ref(), on);
}

describe.each(['telegram', 'whatsapp'] as const)('/broadcast to every zone on %s', (channel) => {
  let world: ChatWorld;
  afterEach(async () => {
    expect(world.problems()).toEqual([]);
    await world.close();
  });

  it(
    "a network admin's broadcast to all zones reaches each zone's approved volunteers; this zone only reaches hers",
    { timeout: 240_000 },
    async () => {
      world = await startWorld(channel, { at: '2026-11-21T09:00:00Z' });
      const giulia = await onboardMediator(world, 'Giulia', 'nord');
      const sara = await onboardMediator(world, 'Sara', 'sud');
      const vito = await onboardVolunteer(world, 'Vito', 'Mompiano', { approvedBy: giulia });
      const pia = await onboardVolunteer(world, 'Pia', 'Mompiano');
      const ugo = await onboardVolunteer(world, 'Ugo', 'Don Bosco', { zone: 'Zona Sud', approvedBy: sara });
      const ada = await onboardVolunteer(world, 'Ada', 'Don Bosco', { zone: 'Zona Sud' });
      await makeAdmin(world, giulia);
      // Two days later: WhatsApp's window is closed for the volunteers, so the copies go as the template.
      world.clock.current = new Date('2026-11-23T09:00:00Z');

      await giulia.send('/broadcast');
      await giulia.press(volunteers);
      expect(giulia.lastText()).toBe(scope);
      expect(giulia.taps()).toEqual(expect.arrayContaining([onlyNord, allZones, 'Annulla']));
      await giulia.press(allZones);
      expect(giulia.lastText()).toMatch(/^Scrivi qui il messaggio/);
      await giulia.send('Sabato formazione per tutti i volontari della città.');
      expect(giulia.texts().at(-3)).toMatch(
        /^Ecco come lo riceveranno, ognuno con il nome della propria zona/,
      );
      expect(giulia.lastText()).toBe('Destinatari: 2 (volontari, tutte le zone). Lo invio?');
      await giulia.press(send);

      expect(copiesIn(vito, 'Nord', 'Giulia', 'Sabato formazione')).toBe(1);
      expect(copiesIn(ugo, 'Sud', 'Giulia', 'Sabato formazione')).toBe(1);
      for (const nobody of [pia, ada, sara]) {
        expect(nobody.texts().filter((t) => t.includes('Sabato formazione'))).toEqual([]);
      }
      if (world.channel === 'whatsapp') {
        // Outside the window: the approved template, with its one-tap way out.
        expect(ugo.taps()).toContain('🔕 Basta messaggi');
      }
      const report = reportOf(giulia);
      expect(report).toHaveLength(1);
      expect(report[0]).toMatch(
        /\(volontari, tutte le zone\)\nConsegnati: 2\nIn attesa su WhatsApp: 0\nNon consegnati: 0\nNon raggiungibili: 0$/,
      );
      const items = (await world.scan()).filter((i) => i.entity === 'broadcast');
      expect(items.map((i) => [i.zoneId, i.allZones])).toEqual([['*', true]]);

      // The same admin, this zone only: Nord's volunteers, nobody in Sud.
      await giulia.send('/broadcast');
      await giulia.press(volunteers);
      await giulia.press(onlyNord);
      await giulia.send('Riunione di zona giovedì.');
      expect(giulia.lastText()).toBe('Destinatari: 1 (volontari). Lo invio?');
      await giulia.press(send);
      expect(copiesIn(vito, 'Nord', 'Giulia', 'Riunione di zona')).toBe(1);
      expect(ugo.texts().filter((t) => t.includes('Riunione di zona'))).toEqual([]);
    },
  );

  it(
    'a mediator who is not the admin is never asked, and a forged "all zones" is refused; so is a revoked admin',
    { timeout: 240_000 },
    async () => {
      world = await startWorld(channel, { at: '2026-11-21T09:00:00Z' });
      const giulia = await onboardMediator(world, 'Giulia', 'nord');
      const sara = await onboardMediator(world, 'Sara', 'sud');
      const vito = await onboardVolunteer(world, 'Vito', 'Mompiano', { approvedBy: giulia });
      const ugo = await onboardVolunteer(world, 'Ugo', 'Don Bosco', { zone: 'Zona Sud', approvedBy: sara });

      await sara.send('/broadcast');
      await sara.press(volunteers);
      // Straight to the text: no question about zones.
      expect(sara.lastText()).toMatch(/^Scrivi qui il messaggio/);
      expect(sara.texts()).not.toContain(scope);
      // "All zones" forged on the button in sight: the flow is not at that question, nothing moves.
      const stale = 'Questo pulsante appartiene a una domanda precedente.';
      await sara.pressForged('Annulla', 's:bz:all');
      const told =
        world instanceof World
          ? world.api.callsTo('answerCallbackQuery').at(-1)?.params.text
          : sara.lastText();
      expect(told).toBe(stale);
      await sara.send('Festa in oratorio domenica.');
      expect(sara.lastText()).toBe('Destinatari: 1 (volontari). Lo invio?');
      await sara.press(send);
      expect(copiesIn(ugo, 'Sud', 'Sara', 'Festa in oratorio')).toBe(1);
      expect(vito.texts().filter((t) => t.includes('Festa in oratorio'))).toEqual([]);

      // Giulia chooses every zone, then the admin CLI takes the flag away before she sends.
      await makeAdmin(world, giulia);
      await giulia.send('/broadcast');
      await giulia.press(volunteers);
      await giulia.press(allZones);
      await giulia.send('Un messaggio per tutta la città.');
      expect(giulia.lastText()).toBe('Destinatari: 2 (volontari, tutte le zone). Lo invio?');
      await makeAdmin(world, giulia, false);
      await giulia.press(send);
      expect(giulia.lastText()).toBe(
        'Solo chi amministra la rete può scrivere a tutte le zone. Non ho inviato niente.',
      );
      for (const p of [vito, ugo]) expect(p.texts().filter((t) => t.includes('tutta la città'))).toEqual([]);
      // And from now on she is not asked.
      await giulia.send('/broadcast');
      await giulia.press(volunteers);
      expect(giulia.lastText()).toMatch(/^Scrivi qui il messaggio/);
      await giulia.send('/cancel');
      expect((await world.scan()).filter((i) => i.entity === 'broadcast' && i.allZones)).toEqual([]);
    },
  );

  it(
    'to everyone in every zone in quiet hours: the relatives now, the elders of both zones in the morning, then the report',
    { timeout: 240_000 },
    async () => {
      world = await startWorld(channel, { at: '2026-11-21T21:30:00Z' });
      const giulia = await onboardMediator(world, 'Giulia', 'nord');
      const anna = await onboardElder(world, { name: 'Anna' });
      const luca = await linkRelative(world, anna);
      const bruna = await onboardElder(world, { name: 'Bruna', zone: 'Zona Sud', hood: 'Don Bosco' });
      await makeAdmin(world, giulia);

      await giulia.send('/broadcast');
      await giulia.press(everyone);
      await giulia.press(allZones);
      await giulia.send('Domani uffici chiusi in tutta la città.');
      expect(giulia.lastText()).toBe('Destinatari: 3 (tutti, tutte le zone). Lo invio?');
      await giulia.press(send);
      // 22:30 in Brescia: the relative hears now; the elders of both zones at 08:00.
      expect(copiesIn(luca, 'Nord', 'Giulia', 'uffici chiusi')).toBe(1);
      for (const p of [anna, bruna]) expect(p.texts().filter((t) => t.includes('uffici chiusi'))).toEqual([]);
      expect(giulia.texts()).toContain(
        "📣 Messaggio inviato. Lo ricevono adesso: 1. Alle 08:00, finite le ore di riposo: 2.\nQuando so com'è andata, ti mando il resoconto.",
      );
      expect(reportOf(giulia)).toHaveLength(0);
      await world.tickAt('2026-11-22T07:00:00Z');
      expect(copiesIn(anna, 'Nord', 'Giulia', 'uffici chiusi')).toBe(1);
      expect(copiesIn(bruna, 'Sud', 'Giulia', 'uffici chiusi')).toBe(1);
      expect(reportOf(giulia)[0]).toMatch(/\(tutti, tutte le zone\)\nConsegnati: 3\n/);
    },
  );

  it('Cancel, or words, at the zones question: nothing is sent', { timeout: 180_000 }, async () => {
    world = await startWorld(channel, { at: '2026-11-21T09:00:00Z' });
    const giulia = await onboardMediator(world, 'Giulia', 'nord');
    const vito = await onboardVolunteer(world, 'Vito', 'Mompiano', { approvedBy: giulia });
    await makeAdmin(world, giulia);

    await giulia.send('/broadcast');
    await giulia.press(volunteers);
    await giulia.send('tutte');
    expect(giulia.texts().at(-2)).toBe('Per rispondere, tocca uno dei pulsanti.');
    expect(giulia.lastText()).toBe(scope);
    await giulia.press('Annulla');
    expect(giulia.lastText()).toBe(cancelled);
    // The zones question's buttons after Cancel change nothing.
    if (world.channel === 'whatsapp') {
      await giulia.press(allZones);
      expect(giulia.lastText()).toBe('Questo pulsante appartiene a una domanda precedente.');
    }
    expect(vito.texts().filter((t) => t.startsWith('📣'))).toEqual([]);
    expect((await world.scan()).filter((i) => i.entity === 'broadcast')).toEqual([]);
  });
});
