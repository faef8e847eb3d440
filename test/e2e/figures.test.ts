import { afterEach, describe, expect, it } from 'vitest';
import { startWorld, WhatsAppWorld, type WaPerson } from '../support/channels.js';
import {
  askForHelp,
  approveInStore,
  onboardElder,
  onboardMediator,
  onboardVolunteer,
} from '../support/cast.js';
import { World, type ChatUser, type ChatWorld } from '../support/world.js';
import type { Person as Profile } from '../../bot/domain/person.js';

/**
 * The weekly figures: counted as things happen, sent on `/figures` (a text, a
 * PNG chart and a CSV) and every Monday at 08:00 to each mediator.
 */

const pngSignature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** The photos and documents a person received, as bytes and text. */
function files(world: ChatWorld, user: ChatUser): { photos: Buffer[]; csvs: string[] } {
  if (world instanceof World) {
    const chat = Number(user.ref().id);
    const mine = (method: string) => world.api.callsTo(method).filter((c) => c.params.chat_id === chat);
    return {
      photos: mine('sendPhoto').map((c) => (c.params.photo as { bytes: Buffer }).bytes),
      csvs: mine('sendDocument')
        .map((c) => c.params.document as { filename: string; content: string })
        .filter((d) => d.filename.endsWith('.csv'))
        .map((d) => d.content),
    };
  }
  const wa = world as WhatsAppWorld;
  const sent = wa.api.calls
    .map((c) => c.body as { to?: string; type?: string; image?: { id: string }; document?: { id: string } })
    .filter((b) => b?.to === user.ref().id);
  return {
    photos: sent.filter((b) => b.type === 'image').map((b) => wa.api.mediaFile(b.image!.id)!.bytes),
    csvs: sent
      .filter((b) => b.type === 'document')
      .map((b) => wa.api.mediaContent(b.document!.id) ?? '')
      .filter((c) => c.startsWith('metric,')),
  };
}

/** The CSV as metric → the value of one column (its header names the area and week). */
function column(csv: string, header: string): Record<string, string> {
  const [head, ...rows] = csv
    .trim()
    .split('\n')
    .map((r) => r.split(','));
  const at = head!.indexOf(header);
  expect(at, `column ${header} in ${head!.join(',')}`).toBeGreaterThan(0);
  return Object.fromEntries(rows.map((r) => [r[0], r[at]]));
}

/** Elders written straight into the store, with no daily question: they must not change what the tick costs. */
async function seedElders(world: Pick<ChatWorld, 'store' | 'clock'>, count: number): Promise<void> {
  const at = world.clock.now().toISOString();
  for (let i = 1; i <= count; i++) {
    const elder: Profile = {
      id: `seed-elder-${i}`,
      lang: 'it',
      createdAt: at,
      channels: [{ channel: 'telegram', id: String(770000 + i) }],
      onboardedAt: at,
      consentAt: at,
      role: 'elder',
      name: `Elda ${i}`,
      zoneId: 'nord',
      place: { zoneId: 'nord', neighbourhoodId: 'casazza', lat: 45.56, lon: 10.22, source: 'neighbourhood' },
      checkInTime: null,
    };
    await world.store.createPerson(elder, elder.channels[0]!);
  }
}

/**
 * Saturday 21 November 2026 (ISO week 47), 09:00 in Rome: Anna answers at once, Bruna late
 * (after the reminder), Carla not at all; the mediator takes the alert after 10 minutes and
 * closes it after 30. Anna asks for a volunteer, who accepts after 5 minutes and is done an hour in.
 */
async function scenario(world: ChatWorld) {
  const giulia = await onboardMediator(world, 'Giulia', 'nord');
  const anna = await onboardElder(world, { name: 'Anna', time: 'Alle 09:00', address: 'Via Roma 1' });
  const bruna = await onboardElder(world, { name: 'Bruna', time: 'Alle 09:00' });
  await onboardElder(world, { name: 'Carla', time: 'Alle 09:00' });
  const vera = await onboardVolunteer(world, 'Vera', 'Mompiano');
  await approveInStore(world, vera);

  await world.tickAt('2026-11-21T08:00:00Z');
  await anna.press('😊 Sto bene');
  await world.tickAt('2026-11-21T08:30:00Z');
  world.clock.current = new Date('2026-11-21T08:45:00Z');
  await bruna.press('😊 Sto bene');
  for (const at of ['09:00', '09:30']) await world.tickAt(`2026-11-21T${at}:00Z`);
  world.clock.current = new Date('2026-11-21T09:40:00Z');
  await giulia.press('🙋 Me ne occupo io');
  world.clock.current = new Date('2026-11-21T10:00:00Z');
  await giulia.press('✅ Ho verificato: tutto bene');

  await askForHelp(anna);
  world.clock.current = new Date('2026-11-21T10:05:00Z');
  await vera.press('✅ Ci vado io');
  world.clock.current = new Date('2026-11-21T11:00:00Z');
  await vera.press('✅ Fatto');
  return { giulia, anna, bruna, vera };
}

/** What the scenario must show in the zone's column of week 47 (and the network's: one zone was busy). */
const expected = {
  people_elder: '3',
  people_volunteer: '1',
  people_mediator: '1',
  checkins_prompted: '3',
  checkins_answered: '2',
  checkins_answered_on_time: '1',
  checkins_answer_rate_pct: '67',
  checkins_on_time_rate_pct: '33',
  alerts_missedCheckIn: '1',
  alerts_needsHelp: '0',
  alerts_acknowledged: '1',
  alerts_resolved: '1',
  alerts_median_minutes_to_acknowledge_at_most: '10',
  alerts_median_minutes_to_resolve_at_most: '30',
  requests_created: '1',
  requests_pharmacy: '1',
  requests_assigned: '1',
  requests_completed: '1',
  requests_unassigned: '0',
  requests_expired: '0',
  requests_median_minutes_to_assign_at_most: '5',
  requests_median_minutes_to_complete_at_most: '60',
  volunteers_with_1_task: '1',
  volunteer_most_tasks: '1',
};

describe.each(['telegram', 'whatsapp'] as const)('weekly figures on %s', (channel) => {
  let world: ChatWorld;
  afterEach(async () => {
    expect(world.problems()).toEqual([]);
    await world.close();
  });

  it(
    '/figures after a morning and a request: a text, a PNG chart and a CSV with exactly those numbers; others are refused',
    { timeout: 240_000 },
    async () => {
      world = await startWorld(channel, { at: '2026-11-20T10:00:00Z' });
      const { giulia, anna, vera } = await scenario(world);

      world.clock.current = new Date('2026-11-21T12:00:00Z');
      await giulia.send('/figures');
      const text = giulia.texts().find((t) => t.includes('I numeri di Nord')) ?? '';
      expect(text).toMatch(/2 risposte su 3 \(67%\), 1 in tempo/);
      expect(text).toMatch(/presi in carico 1 \(di solito entro 10 min\)/);
      expect(text).toMatch(/mediane approssimate/);
      const got = files(world, giulia);
      expect(got.photos).toHaveLength(1);
      expect(got.photos[0]!.subarray(0, 8)).toEqual(pngSignature);
      expect(got.photos[0]!.length).toBeGreaterThan(2_000);
      // Inside SQS's 256 KB once in base64, with room to spare.
      expect(got.photos[0]!.length * 1.4).toBeLessThan(150_000);
      expect(got.csvs).toHaveLength(1);
      const csv = got.csvs[0]!;
      expect(column(csv, 'nord 2026-W47')).toMatchObject(expected);
      const { people_elder: _e, people_volunteer: _v, people_mediator: _m, ...week } = expected;
      expect(column(csv, 'network 2026-W47')).toMatchObject(week);
      expect(column(csv, 'nord 2026-W46')).toMatchObject({ checkins_prompted: '0', requests_created: '0' });

      for (const someone of [anna, vera]) {
        await someone.send('/figures');
        expect(someone.lastText()).toMatch(/riservata ai mediatori/);
        expect(files(world, someone).photos).toHaveLength(0);
      }
    },
  );
});

describe('weekly figures, faults and the Monday tick (Telegram)', () => {
  let world: World;
  afterEach(async () => {
    expect(world.refusedAfterFaults()).toEqual([]);
    await world.close();
  });

  it(
    'a turn re-run after a DynamoDB fault counts once, whichever call fails',
    { timeout: 300_000 },
    async () => {
      world = await World.start({ at: '2026-11-20T10:00:00Z' });
      const giulia = await onboardMediator(world, 'Giulia', 'nord');
      const anna = await onboardElder(world, { name: 'Anna', time: 'Alle 09:00' });
      const annaId = (await world.personOf(anna))!.id;
      const counted = async (week: string) => {
        const { weeks } = await world.runtime.deps.figures.read(['nord'], [week]);
        return weeks.get(`nord|${week}`)?.counters ?? {};
      };
      // Day d after the 21st: the 09:00 prompt, then "I'm fine" with call n failing until it goes through.
      let clean = 0;
      for (let d = 0, n = 0; d === 0 || n <= clean; d++, n++) {
        const day = new Date(Date.UTC(2026, 10, 21 + d, 8, 0));
        await world.tickAt(day.toISOString());
        const { message, data } = anna.findButton('😊 Sto bene');
        world.faults.failAt(n);
        const update = world.api.userPresses(anna.tg, anna.chatId, message.message_id, data);
        for (let tries = 0; tries < 5; tries++) {
          if ((await world.deliver(update)).statusCode === 200) break;
        }
        for (let i = 0; i < 3 && world.runtime.outbox.pending > 0; i++) await world.runtime.outbox.drain();
        if (d === 0) clean = world.faults.seen;
        world.faults.failAt(0);
      }
      // Each day's answer counted once: as many answers as prompts, all on time.
      const weeks = ['2026-W47', '2026-W48', '2026-W49'];
      let prompted = 0;
      let answered = 0;
      for (const w of weeks) {
        const c = await counted(w);
        prompted += c.prompted ?? 0;
        answered += c.answered ?? 0;
        expect(c.onTime ?? 0).toBe(c.answered ?? 0);
      }
      expect(prompted).toBe(clean + 1);
      expect(answered).toBe(prompted);
      expect(annaId).toBeTruthy();
      expect(giulia).toBeTruthy();
    },
  );

  it(
    'Monday 08:00: every mediator of each zone gets the figures once, even if the tick runs twice; the cost does not grow with elders',
    { timeout: 240_000 },
    async () => {
      const costs: number[] = [];
      for (const elders of [3, 30]) {
        world = await World.start({ at: '2026-11-20T10:00:00Z' });
        const giulia = await onboardMediator(world, 'Giulia', 'nord');
        const marco = await onboardMediator(world, 'Marco', 'nord');
        const sara = await onboardMediator(world, 'Sara', 'sud');
        const anna = await onboardElder(world, { name: 'Anna', time: 'Alle 09:00' });
        await seedElders(world, elders);
        await world.tickAt('2026-11-21T08:00:00Z');
        await anna.press('😊 Sto bene');

        // Monday 23 November, 08:00 in Rome.
        world.dynamoCalls.reset();
        await world.tickAt('2026-11-23T07:00:00Z');
        costs.push(world.dynamoCalls.total());
        await world.tickAt('2026-11-23T07:00:30Z');
        // The same timer fires a second time (as after a tick that died before completing it).
        await world.runtime.deps.timers.schedule([
          { id: 'figures.weekly', kind: 'figures', due: '2026-11-23T07:00:00.000Z', data: {} },
        ]);
        const second = (await world.tickAt('2026-11-23T07:01:00Z')) as { fired: number };
        expect(second.fired).toBe(1);
        for (const m of [giulia, marco, sara]) {
          expect(files(world, m).photos, m.name).toHaveLength(1);
          expect(files(world, m).csvs, m.name).toHaveLength(1);
          expect(
            m.texts().filter((t) => t.includes('I numeri di')),
            m.name,
          ).toHaveLength(1);
        }
        const nord = column(files(world, giulia).csvs[0]!, 'nord 2026-W47');
        expect(nord).toMatchObject({ checkins_prompted: '1', checkins_answered: '1' });
        expect(files(world, sara).csvs[0]).toContain('sud 2026-W47');
        // The next Monday is waiting.
        const next = await world.runtime.deps.timers.get('figures.weekly');
        expect(next?.due).toBe('2026-11-30T07:00:00.000Z');
        await world.tickAt('2026-11-30T07:00:00Z');
        expect(files(world, giulia).photos).toHaveLength(2);
        expect(world.problems()).toEqual([]);
        if (elders === 3) await world.close();
      }
      expect(costs[1]).toBe(costs[0]);
    },
  );
});

describe('Monday figures outside WhatsApp’s 24-hour window', () => {
  let world: WhatsAppWorld;
  afterEach(async () => {
    expect(world.problems()).toEqual([]);
    await world.close();
  });

  it(
    'go as the approved template with the chart on top; the text and the CSV come with one tap',
    { timeout: 240_000 },
    async () => {
      world = (await startWorld('whatsapp', { at: '2026-11-20T10:00:00Z' })) as WhatsAppWorld;
      const giulia = (await onboardMediator(world, 'Giulia', 'nord')) as WaPerson;
      const anna = await onboardElder(world, { name: 'Anna', time: 'Alle 09:00' });
      await world.tickAt('2026-11-21T08:00:00Z');
      await anna.press('😊 Sto bene');
      const before = giulia.messages().length;

      // Monday 23 November, 08:00 in Rome: Giulia last wrote on Friday, her window is closed.
      await world.tickAt('2026-11-23T07:00:00Z');
      const got = giulia.messages().slice(before);
      expect(got.map((m) => m.kind)).toEqual(['template']);
      const template = got[0]!;
      expect(template.text).toBe(
        '📊 *La settimana scorsa nella zona Nord*: domande quotidiane con risposta 1 su 1 (100%); avvisi: 0; richieste di aiuto: 0. Il testo completo e il file CSV per il Comune arrivano quando tocchi qui sotto.',
      );
      // The chart is the template's header image.
      const chart = world.api.mediaFile(template.image!)!;
      expect(chart.type).toBe('image/png');
      expect(chart.bytes.subarray(0, 8)).toEqual(pngSignature);
      expect(template.choices.map((c) => c.title)).toEqual(['📊 Tutti i numeri']);
      // No "messages are waiting" besides it, and nothing else yet.
      expect(files(world, giulia)).toEqual({ photos: [], csvs: [] });
      expect(giulia.texts().filter((t) => t.includes('I numeri di Nord'))).toEqual([]);

      // A second firing of the same Monday sends nothing new.
      await world.runtime.deps.timers.schedule([
        { id: 'figures.weekly', kind: 'figures', due: '2026-11-23T07:00:00.000Z', data: {} },
      ]);
      await world.tickAt('2026-11-23T07:01:00Z');
      expect(giulia.messages().slice(before)).toHaveLength(1);

      await giulia.press('📊 Tutti i numeri');
      expect(giulia.texts().filter((t) => t.includes('I numeri di Nord'))).toHaveLength(1);
      const after = files(world, giulia);
      expect(after.photos).toHaveLength(1);
      expect(after.csvs).toHaveLength(1);
      expect(column(after.csvs[0]!, 'nord 2026-W47')).toMatchObject({
        checkins_prompted: '1',
        checkins_answered: '1',
      });
    },
  );

  it(
    'without an approved figures template, the week waits behind the usual "messages are waiting"',
    {
      timeout: 240_000,
    },
    async () => {
      world = (await startWorld('whatsapp', {
        at: '2026-11-20T10:00:00Z',
        whatsappTemplates: { 'figures.weekly': '' },
      })) as WhatsAppWorld;
      const giulia = (await onboardMediator(world, 'Giulia', 'nord')) as WaPerson;
      const before = giulia.messages().length;
      await world.tickAt('2026-11-23T07:00:00Z');
      const got = giulia.messages().slice(before);
      expect(got.map((m) => [m.kind, m.image])).toEqual([['template', undefined]]);
      expect(got[0]!.text).toMatch(/^📬 Ci sono novità per te/);
      await giulia.press('📬 Leggi');
      expect(giulia.texts().filter((t) => t.includes('I numeri di Nord'))).toHaveLength(1);
      expect(files(world, giulia).csvs).toHaveLength(1);
    },
  );
});
