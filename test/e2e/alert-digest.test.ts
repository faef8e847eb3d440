import type { InlineKeyboardMarkup, Message } from 'grammy/types';
import { afterEach, describe, expect, it } from 'vitest';
import { forget, onboardElder, onboardMediator } from '../support/cast.js';
import { World, type Person } from '../support/world.js';

/**
 * Several alerts for one mediator at once (the 09:30 wave of missed check-ins) reach her as one
 * digest: a line per alert, as the card's first line says it, and a button per alert that opens
 * its live card. On Telegram; WhatsApp keeps its cards (no digests there, see ARCHITECTURE.md).
 */
describe('alerts waiting together for one mediator become one digest', () => {
  let world: World;
  afterEach(async () => {
    expect(world.refusedCalls()).toEqual([]);
    expect(world.unansweredCallbacks()).toBe(0);
    await world.close();
  });

  const slow = 240_000;
  const refused = 'Non puoi usare questo pulsante. Nessuna modifica è stata fatta.';
  const elders = [
    { name: 'Maria', hood: 'Mompiano', address: 'Via dei Mille 5' },
    { name: 'Rosa', hood: 'Casazza', address: 'Via Triumplina 12' },
    { name: 'Anna', hood: 'Borgo Trento', address: 'Via Volturno 3' },
    { name: 'Lucia', hood: 'San Bartolomeo', address: 'Via Collebeato 8' },
  ];

  /** Elders who answer the 09:00 question, each alone in her home; their ids by name. */
  async function wave(count = elders.length): Promise<Map<string, string>> {
    const ids = new Map<string, string>();
    for (const e of elders.slice(0, count)) {
      const user = await onboardElder(world, {
        name: e.name,
        hood: e.hood,
        address: e.address,
        time: 'Alle 09:00',
      });
      ids.set(e.name, (await world.personOf(user))!.id);
    }
    return ids;
  }

  /** Nobody answers on 21/11: the ladder reaches the zone's mediators at 10:30 in Rome, all at once. */
  async function silentMorning(): Promise<void> {
    for (const at of ['08:00', '08:30', '09:00']) await world.tickAt(`2026-11-21T${at}:00Z`);
  }

  const callsTo = (p: Person) => world.api.calls.filter((c) => c.params.chat_id === p.chatId);
  const buttonsOf = (m: Message | undefined) =>
    ((m?.reply_markup as InlineKeyboardMarkup | undefined)?.inline_keyboard ?? []).flat().map((b) => b.text);
  const message = (p: Person, id: number) => p.messages().find((m) => m.message_id === id);
  const newest = (p: Person) => p.messages().at(-1)!;

  it(
    'a wave of missed check-ins: one digest, not four cards; "open" shows each live card, edited as usual',
    { timeout: slow },
    async () => {
      world = await World.start({ at: '2026-11-20T10:00:00Z' });
      const giulia = await onboardMediator(world, 'Giulia', 'nord');
      const paolo = await onboardMediator(world, 'Paolo', 'nord');
      const ids = await wave();
      await silentMorning();

      const before = { giulia: callsTo(giulia).length, messages: giulia.messages().length };
      await world.tickAt('2026-11-21T09:30:00Z');
      // One call, one message, one buzz (four cards before this change).
      expect(
        callsTo(giulia)
          .slice(before.giulia)
          .map((c) => c.method),
      ).toEqual(['sendMessage']);
      expect(giulia.messages()).toHaveLength(before.messages + 1);
      const digest = newest(giulia);
      const [heading, blank, ...rest] = (digest.text ?? '').split('\n');
      expect([heading, blank, rest.at(-2), rest.at(-1)]).toEqual([
        '🔔 Nuovi avvisi: 4',
        '',
        '',
        'Per i dettagli e i pulsanti, apri ciascuno qui sotto.',
      ]);
      // A line per alert, numbered in the order they were raised, each what its card's first line says.
      const lines = rest.slice(0, -2);
      expect(lines.map((l) => l.replace(/^\d\. /, '')).sort()).toEqual(
        elders
          .map((e) => `${e.name} (${e.hood}) non ha risposto alla domanda delle 09:00, né al promemoria.`)
          .sort(),
      );
      expect(lines.map((l) => l.slice(0, 3))).toEqual(['1. ', '2. ', '3. ', '4. ']);
      // No more than the card's first line: no phone, no address, no relatives.
      expect(digest.text).not.toMatch(/Via |\+39|Telefono/);
      // A button per line, numbered as the lines.
      expect(buttonsOf(digest)).toEqual(
        lines.map((l) => `${l.slice(0, 2)} Apri: ${/^\d\. (\w+)/.exec(l)?.[1]}`),
      );
      expect(newest(paolo).text).toMatch(/^🔔 Nuovi avvisi: 4\n/);

      // Paolo opens Maria's: her live card, with everything to act on.
      await paolo.press(/Apri: Maria$/);
      const paoloCard = newest(paolo);
      expect(paoloCard.text).toMatch(/^🔔 Maria \(Mompiano\) non ha risposto/);
      expect(paoloCard.text).toContain('Via dei Mille 5');
      expect(paoloCard.text).toContain('+393337654321');
      expect(buttonsOf(paoloCard)).toContain('🙋 Me ne occupo io');

      // Giulia opens it too and takes it from the opened card: her card is edited in place.
      await giulia.press(/Apri: Maria$/);
      const giuliaCard = newest(giulia);
      expect(giuliaCard.text).toMatch(/^🔔 Maria \(Mompiano\)/);
      await giulia.press('🙋 Me ne occupo io');
      expect(message(giulia, giuliaCard.message_id)?.text).toMatch(/^🙋 Te ne occupi tu: avviso su Maria/);
      expect(newest(giulia).message_id).toBe(giuliaCard.message_id);
      // Paolo's opened card follows: taken by Giulia, no "I'm handling it" any more.
      const edited = message(paolo, paoloCard.message_id);
      expect(edited?.text).toMatch(/^🟡 Se ne occupa Giulia/);
      expect(edited?.text).toContain('+393337654321');
      expect(buttonsOf(edited)).not.toContain('🙋 Me ne occupo io');
      expect(paolo.texts()).toContain("🙋 Giulia si occupa dell'avviso su Maria.");

      // Rosa's alert is taken while Paolo holds only its digest line: nothing to edit, nothing fails.
      await giulia.press(/Apri: Rosa$/);
      await giulia.press('🙋 Me ne occupo io');
      expect(paolo.texts()).toContain("🙋 Giulia si occupa dell'avviso su Rosa.");
      // He opens it later: the card as it is now, and from then on it is live for him too.
      await paolo.press(/Apri: Rosa$/);
      const rosa = newest(paolo);
      expect(rosa.text).toMatch(/^🟡 Se ne occupa Giulia/);
      expect(rosa.text).toContain('Via Triumplina 12');
      expect(buttonsOf(rosa)).not.toContain('🙋 Me ne occupo io');
      await giulia.press('✅ Ho verificato: tutto bene');
      expect(message(paolo, rosa.message_id)?.text).toMatch(/^✅ Giulia ha chiuso l'avviso su Rosa/);

      // Anna's is closed by Paolo before Giulia opens it: "open" shows it closed, no error, no buttons.
      await paolo.press(/Apri: Anna$/);
      await paolo.press('✅ Ho verificato: tutto bene');
      await giulia.press(/Apri: Anna$/);
      const anna = newest(giulia);
      expect(anna.text).toMatch(/^✅ Paolo ha chiuso l'avviso su Anna: tutto bene/);
      expect(buttonsOf(anna)).toEqual([]);

      // Each alert moved once, as pressed; Lucia's, opened by nobody, is still open.
      const state = async (name: string) =>
        (await world.runtime.deps.alerts.getAlert(`m.${ids.get(name)}.2026-11-21`))?.state;
      expect(await Promise.all(['Maria', 'Rosa', 'Anna', 'Lucia'].map(state))).toEqual([
        'acknowledged',
        'resolved',
        'resolved',
        'open',
      ]);
    },
  );

  it(
    '"open" twice shows the card once more (the older copy says "see below"); stale presses are refused',
    { timeout: slow },
    async () => {
      world = await World.start({ at: '2026-11-20T10:00:00Z' });
      const giulia = await onboardMediator(world, 'Giulia', 'nord');
      const sara = await onboardMediator(world, 'Sara', 'sud');
      const ids = await wave();
      await silentMorning();
      await world.tickAt('2026-11-21T09:30:00Z');
      // Sara's zone has no alert: she got nothing.
      expect(sara.texts().some((t) => /Nuovi avvisi|non ha risposto/.test(t))).toBe(false);

      await giulia.press(/Apri: Maria$/);
      const first = newest(giulia);
      await giulia.press(/Apri: Maria$/);
      const second = newest(giulia);
      expect(second.message_id).not.toBe(first.message_id);
      expect(second.text).toBe(first.text);
      expect(message(giulia, first.message_id)?.text).toBe(
        '⬇️ Avviso su Maria: vedi il messaggio più sotto.',
      );
      expect(buttonsOf(message(giulia, first.message_id))).toEqual([]);
      // One live copy: taking it edits the newest.
      expect(giulia.buttons().filter((b) => b === '🙋 Me ne occupo io')).toHaveLength(1);
      await giulia.press('🙋 Me ne occupo io');
      expect(message(giulia, second.message_id)?.text).toMatch(/^🙋 Te ne occupi tu: avviso su Maria/);

      // A mediator of another zone, with a button forged for a Nord alert: refused, nothing sent.
      const alertId = `m.${ids.get('Rosa')}.2026-11-21`;
      const saraBefore = sara.messages().length;
      await sara.forge(`a:ao:${alertId}`);
      expect(sara.texts().slice(saraBefore)).toEqual([refused]);

      // Giulia leaves (erases herself): her old digest's buttons open nothing any more.
      await forget(giulia);
      const left = giulia.messages().length;
      await giulia.press(/Apri: Rosa$/);
      expect(giulia.texts().slice(left)).toEqual([refused]);
      expect(giulia.texts().slice(left).join('\n')).not.toContain('Via Triumplina 12');
    },
  );

  it(
    'the escalation half an hour later is one digest again, its lines naming the zone; an opened copy says "see below"',
    { timeout: slow },
    async () => {
      world = await World.start({ at: '2026-11-20T10:00:00Z' });
      const giulia = await onboardMediator(world, 'Giulia', 'nord');
      const sara = await onboardMediator(world, 'Sara', 'sud');
      await wave();
      await silentMorning();
      await world.tickAt('2026-11-21T09:30:00Z');
      await giulia.press(/Apri: Maria$/);
      const opened = newest(giulia);
      const before = { giulia: giulia.messages().length, sara: sara.messages().length };
      // Nobody took any: at 11:00 in Rome they go to every mediator of the network.
      await world.tickAt('2026-11-21T10:00:00Z');
      expect(sara.messages()).toHaveLength(before.sara + 1);
      const lines = (newest(sara).text ?? '').split('\n').filter((l) => /^\d\. /.test(l));
      expect(lines).toHaveLength(4);
      for (const l of lines)
        expect(l).toMatch(/^\d\. Zona Nord, nessuno l'ha ancora preso in carico: \w+ \(/);
      // Giulia: her opened copy turns into "see below", and the four come as one digest.
      expect(message(giulia, opened.message_id)?.text).toBe(
        '⬇️ Avviso su Maria: vedi il messaggio più sotto.',
      );
      expect(giulia.messages()).toHaveLength(before.giulia + 1);
      expect(newest(giulia).text).toMatch(/^🔔 Nuovi avvisi: 4\n/);
      // Sara, of another zone, may act on an alert escalated to her: she opens it and takes it.
      await sara.press(/Apri: Rosa$/);
      expect(newest(sara).text).toMatch(/^🔔 Rosa \(Casazza\) non ha risposto/);
      await sara.press('🙋 Me ne occupo io');
      expect(newest(sara).text).toMatch(/^🙋 Te ne occupi tu: avviso su Rosa/);
      expect(giulia.texts()).toContain("🙋 Sara si occupa dell'avviso su Rosa.");
    },
  );

  it('one alert alone still arrives as its card', { timeout: slow }, async () => {
    world = await World.start({ at: '2026-11-20T10:00:00Z' });
    const giulia = await onboardMediator(world, 'Giulia', 'nord');
    await wave(1);
    await silentMorning();
    const before = giulia.messages().length;
    await world.tickAt('2026-11-21T09:30:00Z');
    expect(giulia.messages()).toHaveLength(before + 1);
    const card = newest(giulia);
    expect(card.text).toMatch(/^🔔 Maria \(Mompiano\) non ha risposto/);
    expect(card.text).toContain('Via dei Mille 5');
    expect(buttonsOf(card)).toContain('🙋 Me ne occupo io');
    await giulia.press('🙋 Me ne occupo io');
    expect(message(giulia, card.message_id)?.text).toMatch(/^🙋 Te ne occupi tu/);
  });

  it(
    'exactly once under faults: a claim fails, then the digest send fails; on the retry each alert reaches her once',
    { timeout: slow },
    async () => {
      world = await World.start({ at: '2026-11-20T10:00:00Z' });
      const giulia = await onboardMediator(world, 'Giulia', 'nord');
      const ids = await wave();
      await silentMorning();
      const before = giulia.messages().length;
      // The delivery log's second claim of the wave fails (DynamoDB 500): the sender lets the
      // first go and hands all four back; the digest then meets a Telegram 500 on its first try.
      const isClaim = (command: string, input: Record<string, unknown>) =>
        /^Update(Item)?Command$/.test(command) &&
        JSON.stringify(input.Key).includes('MSG#') &&
        /attribute_not_exists\(PK\) OR/.test(String(input.ConditionExpression));
      world.faults.failOn(isClaim, 2);
      world.api.setFaults({ rate: 0, kinds: ['500'], methods: ['sendMessage'], nth: 1 });
      await world.tickAt('2026-11-21T09:30:00Z');
      expect(world.faults.fired).toBe(true);
      for (let i = 0; i < 3 && world.runtime.outbox.pending > 0; i++) await world.runtime.outbox.drain();
      world.api.setFaults(undefined);
      expect(world.api.calls.filter((c) => c.fault === '500')).toHaveLength(1);

      const added = giulia.messages().slice(before);
      expect(added).toHaveLength(1);
      const lines = (added[0]?.text ?? '').split('\n').filter((l) => /^\d\. /.test(l));
      expect(lines.map((l) => /^\d\. (\w+)/.exec(l)?.[1]).sort()).toEqual(['Anna', 'Lucia', 'Maria', 'Rosa']);
      // Each card's own delivery-log entry says sent: offered again (a redelivery), none goes twice.
      const giuliaId = (await world.personOf(giulia))!.id;
      for (const id of ids.values())
        expect(
          await world.runtime.deliveryLog.get(`m.${id}.2026-11-21.0:${giuliaId}:telegram`),
        ).toMatchObject({
          state: 'sent',
        });
      // And each card still opens.
      await giulia.press(/Apri: Lucia$/);
      expect(newest(giulia).text).toMatch(/^🔔 Lucia \(San Bartolomeo\)/);
    },
  );
});
