import { afterEach, describe, expect, it } from 'vitest';
import { startWorld } from '../support/channels.js';
import { linkRelative, onboardElder, onboardMediator, onboardVolunteer } from '../support/cast.js';
import { World, type ChatWorld } from '../support/world.js';
import type { Person as Profile } from '../../bot/domain/person.js';

/**
 * The zone at a glance: `/today` (each elder's check-in of today, what needs
 * action first) and a mediator's `/elders` (relatives and open items), in
 * pages turned with Next and Back, on both channels.
 */

/** Elders written straight into the store: a zone of twenty without twenty onboardings. */
async function seedElders(world: Pick<ChatWorld, 'store' | 'clock'>, count: number, from = 1): Promise<void> {
  const at = world.clock.now().toISOString();
  for (let i = from; i < from + count; i++) {
    const n = String(i).padStart(2, '0');
    const elder: Profile = {
      id: `seed-elder-${n}`,
      lang: 'it',
      createdAt: at,
      channels: [{ channel: 'telegram', id: String(880000 + i) }],
      onboardedAt: at,
      consentAt: at,
      role: 'elder',
      name: `Elda ${n}`,
      zoneId: 'nord',
      place: { zoneId: 'nord', neighbourhoodId: 'casazza', lat: 45.56, lon: 10.22, source: 'neighbourhood' },
      checkInTime: null,
    };
    await world.store.createPerson(elder, elder.channels[0]!);
  }
}

/** `count` relatives written straight into the store, each with a phone, linked (confirmed) to `elderId`. */
async function seedRelatives(
  world: Pick<ChatWorld, 'store' | 'clock'>,
  elderId: string,
  count: number,
  from = 1,
): Promise<void> {
  const at = world.clock.now().toISOString();
  for (let i = from; i < from + count; i++) {
    const n = String(i).padStart(2, '0');
    const relative: Profile = {
      id: `seed-relative-${n}`,
      lang: 'it',
      createdAt: at,
      channels: [{ channel: 'telegram', id: String(890000 + i) }],
      onboardedAt: at,
      consentAt: at,
      role: 'relative',
      name: `Rino ${n}`,
    };
    await world.store.createPerson(relative, relative.channels[0]!);
    await world.store.savePrivate(relative.id, { phone: `+39 347 000 00${n}` });
    await world.store.putLink({
      elderId,
      relativeId: relative.id,
      status: 'confirmed',
      createdAt: at,
      confirmedAt: at,
    });
  }
}

/** The lines of a list below its header. */
const listed = (text: string): string[] => text.split('\n\n').slice(1).join('\n').split('\n');

describe.each(['telegram', 'whatsapp'] as const)('the zone at a glance on %s', (channel) => {
  let world: ChatWorld;
  afterEach(async () => {
    expect(world.problems()).toEqual([]);
    await world.close();
  });

  it(
    '/today after a morning: missed first, then answered, paused, no question; /elders with relatives and open alerts; other zones and roles see none of it',
    { timeout: 240_000 },
    async () => {
      world = await startWorld(channel, { at: '2026-11-20T10:00:00Z' });
      const zone = await onboardMediator(world, 'Giulia', 'nord');
      const other = await onboardMediator(world, 'Sara', 'sud');
      const anna = await onboardElder(world, { name: 'Anna', time: 'Alle 09:00' });
      await onboardElder(world, { name: 'Bruna', time: 'Alle 09:00' });
      const carla = await onboardElder(world, { name: 'Carla', time: 'Alle 09:00' });
      const dora = await onboardElder(world, { name: 'Dora' });
      const luca = await linkRelative(world, anna, {
        typedName: 'Luca Rossi',
        phone: { share: '+39 347 111 2222' },
      });
      // Carla is away from tomorrow for three days.
      await carla.send('/pause');
      await carla.press('Da domani');
      await carla.press('3 giorni');

      // Saturday 21, 09:00 in Rome: Anna and Bruna are asked, Anna answers at once.
      await world.tickAt('2026-11-21T08:00:00Z');
      await anna.press('😊 Sto bene');
      world.clock.current = new Date('2026-11-21T08:10:00Z');
      await zone.send('/today');
      const early = listed(zone.lastText());
      expect(early[0]).toMatch(/^⏳ Bruna, Mompiano: domanda delle 09:00, ancora senza risposta$/);

      // Bruna stays silent up to the mediator's rung.
      for (const at of ['08:30', '09:00', '09:30']) await world.tickAt(`2026-11-21T${at}:00Z`);
      await zone.send('/today');
      const text = zone.lastText();
      expect(text).toMatch(/Oggi, sabato 21 novembre/);
      expect(text).not.toMatch(/pagina/);
      expect(listed(text)).toEqual([
        expect.stringMatching(/^🔴 \*?Bruna\*?, Mompiano: nessuna risposta alla domanda delle 09:00$/),
        '🟢 Anna, Mompiano: sta bene, ha risposto alle 09:00',
        '⏸️ Carla, Mompiano: domanda in pausa fino a lunedì 23 novembre',
        '⚪ Dora, Mompiano: oggi nessuna domanda',
      ]);
      expect(zone.taps()).not.toContain('Avanti ›');

      // Her elders: Bruna (an open alert) first; Anna with Luca and his phone.
      await zone.send('/elders');
      const elders = zone.lastText();
      expect(elders).toMatch(/Persone della tua zona: 4/);
      expect(elders).toMatch(
        /Bruna\*?, Mompiano\n {3}👪 nessun familiare collegato · 🔔 avvisi aperti: 1 · 📋 richieste aperte: 0/,
      );
      expect(elders).toMatch(
        /Anna\*?, Mompiano\n {3}👪 Luca Rossi, tel\. \+393471112222 · 🔔 avvisi aperti: 0/,
      );
      expect(elders.indexOf('Bruna')).toBeLessThan(elders.indexOf('Anna'));

      // A mediator of another zone sees none of them.
      await other.send('/today');
      expect(other.lastText()).toBe("Nella tua zona non c'è ancora nessuna persona iscritta.");
      await other.send('/elders');
      expect(other.lastText()).not.toMatch(/Anna|Bruna/);

      // Not for the others: the relative's /elders stays his own list.
      await dora.send('/today');
      expect(dora.lastText()).toBe('Questa funzione è riservata ai mediatori di prossimità.');
      const vito = await onboardVolunteer(world, 'Vito', 'Mompiano');
      await vito.send('/today');
      expect(vito.lastText()).toBe('Questa funzione è riservata ai mediatori di prossimità.');
      await luca.send('/elders');
      expect(luca.lastText()).toMatch(/Anna[\s\S]*Oggi: ha risposto: sta bene/);
      await luca.send('/today');
      expect(luca.lastText()).toBe('Questa funzione è riservata ai mediatori di prossimità.');
    },
  );

  it(
    'pages of fifteen: Next and Back, an old page button pressed twice, /elders paged too',
    { timeout: 180_000 },
    async () => {
      world = await startWorld(channel, { at: '2026-11-20T10:00:00Z' });
      const zone = await onboardMediator(world, 'Giulia', 'nord');
      await seedElders(world, 20);

      await zone.send('/today');
      const first = zone.lastText();
      expect(first).toMatch(/pagina 1 di 2/);
      expect(listed(first)).toHaveLength(15);
      expect(listed(first)[0]).toBe('⚪ Elda 01, Casazza: oggi nessuna domanda');
      expect(first).not.toMatch(/Elda 16/);

      await zone.press('Avanti ›');
      const second = zone.lastText();
      expect(second).toMatch(/pagina 2 di 2/);
      expect(listed(second).map((l) => /Elda \d+/.exec(l)?.[0])).toEqual([
        'Elda 16',
        'Elda 17',
        'Elda 18',
        'Elda 19',
        'Elda 20',
      ]);
      await zone.press('‹ Indietro');
      expect(zone.lastText()).toBe(first);

      // Next on a new list, then on the older one (Telegram) or the same one again (WhatsApp): page 2 each time.
      await zone.send('/today');
      await zone.press('Avanti ›');
      await zone.press('Avanti ›');
      expect(zone.lastText()).toBe(second);
      // A page that is not a number is the first page.
      await zone.pressForged('‹ Indietro', 'a:td:x');
      expect(zone.lastText()).toBe(first);

      await zone.send('/elders');
      expect(zone.lastText()).toMatch(/Persone della tua zona: 20\*? · pagina 1 di 3/);
      await zone.press('Avanti ›');
      await zone.press('Avanti ›');
      const last = zone.lastText();
      expect(last).toMatch(/pagina 3 di 3/);
      expect(last).toMatch(/Elda 15[\s\S]*Elda 20/);
      expect(last).not.toMatch(/Elda 14/);
    },
  );
});

describe('/today on Telegram: the menu, and the cost', () => {
  let world: World;
  afterEach(async () => {
    expect(world.problems()).toEqual([]);
    await world.close();
  });

  it('reads the same number of times for 3 elders as for 60', { timeout: 120_000 }, async () => {
    world = await World.start({ at: '2026-11-20T10:00:00Z' });
    const zone = await onboardMediator(world, 'Giulia', 'nord');
    // Both commands are in her menu and her /help.
    const menu = (world.api.commands('', { type: 'chat', chat_id: zone.chatId }) ?? []).map((c) => c.command);
    expect(menu).toEqual(expect.arrayContaining(['alerts', 'today', 'elders', 'pending']));
    await zone.send('/help');
    expect(zone.lastText()).toMatch(/\/today[\s\S]*\/elders/);
    const calls = async () => {
      world.dynamoCalls.reset();
      await zone.send('/today');
      return { ...world.dynamoCalls.counts };
    };
    await seedElders(world, 3);
    const few = await calls();
    await seedElders(world, 57, 4);
    const many = await calls();
    expect(zone.lastText()).toMatch(/pagina 1 di 4/);
    expect(many).toEqual(few);
    // The turn's one read (her chat is known here since /help); the check-ins in one batch; the zone's elders;
    // the commit (the reply claimed in it); the settling and the delivery log's "sent".
    expect(few).toEqual({
      BatchGetItemCommand: 2,
      QueryCommand: 1,
      TransactWriteItemsCommand: 1,
      UpdateItemCommand: 2,
    });
  });

  it(
    '/elders reads the same number of times for one relative as for twenty',
    { timeout: 120_000 },
    async () => {
      world = await World.start({ at: '2026-11-20T10:00:00Z' });
      const zone = await onboardMediator(world, 'Giulia', 'nord');
      await seedElders(world, 3);
      const calls = async () => {
        world.dynamoCalls.reset();
        await zone.send('/elders');
        return { ...world.dynamoCalls.counts };
      };
      await seedRelatives(world, 'seed-elder-01', 1);
      const few = await calls();
      expect(zone.lastText()).toMatch(/Rino 01, tel\. \+39 347 000 0001/);
      // Twenty more, spread over the three elders on the page: their names and phones all shown.
      for (const [i, elder] of ['seed-elder-01', 'seed-elder-02', 'seed-elder-03'].entries()) {
        await seedRelatives(world, elder, 7, 2 + i * 7);
      }
      const many = await calls();
      const text = zone.lastText();
      for (const n of ['02', '08', '15', '22'])
        expect(text).toMatch(new RegExp(`Rino ${n}, tel\\. \\+39 347 000 00${n}`));
      expect(many).toEqual(few);
      // Not one read per relative: no single GetItem at all.
      expect(few.GetItemCommand).toBeUndefined();
    },
  );
});
