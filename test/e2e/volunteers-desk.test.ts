import { afterEach, describe, expect, it } from 'vitest';
import { startWorld } from '../support/channels.js';
import { askForHelp, onboardElder, onboardMediator, onboardVolunteer } from '../support/cast.js';
import { World, type ChatUser, type ChatWorld, type Person } from '../support/world.js';
import type { Person as Profile } from '../../bot/domain/person.js';

/**
 * `/volunteers`: a mediator's zone volunteers by status, with availability and
 * last week's load, and Suspend / Reinstate: a suspended volunteer is told and
 * gets no offers; only a mediator of her zone may press either.
 */

/** Approved volunteers written straight into the store: a long roster without onboarding each. */
async function seedVolunteers(world: Pick<ChatWorld, 'store' | 'clock'>, count: number): Promise<void> {
  const at = world.clock.now().toISOString();
  for (let i = 1; i <= count; i++) {
    const n = String(i).padStart(2, '0');
    const v: Profile = {
      id: `seed-volunteer-${n}`,
      lang: 'it',
      createdAt: at,
      channels: [{ channel: 'telegram', id: String(770000 + i) }],
      onboardedAt: at,
      consentAt: at,
      role: 'volunteer',
      name: `Vol ${n}`,
      zoneId: 'nord',
      place: { zoneId: 'nord', neighbourhoodId: 'casazza', lat: 45.56, lon: 10.22, source: 'neighbourhood' },
      volunteer: {
        status: 'approved',
        radiusKm: 5,
        categories: ['pharmacy'],
        days: ['mon'],
        dayParts: ['morning'],
        languages: ['it'],
      },
    };
    await world.store.createPerson(v, v.channels[0]!);
  }
}

const offers = (p: ChatUser) =>
  p.texts().filter((t) => t.startsWith('🙋 Richiesta di aiuto vicino a te')).length;
const told = (p: ChatUser, what: RegExp) => p.texts().filter((t) => what.test(t)).length;
const pausedNotice = /ha messo in pausa le tue richieste di aiuto, per ora\. Se hai domande/;
const backNotice = /ha riattivato le tue richieste/;

describe.each(['telegram', 'whatsapp'] as const)('/volunteers on %s', (channel) => {
  let world: ChatWorld;
  afterEach(async () => {
    expect(world.problems()).toEqual([]);
    await world.close();
  });

  it(
    'lists by status; Suspend stops offers and tells her, Reinstate brings them back; twice is harmless; other zones and roles are refused',
    { timeout: 240_000 },
    async () => {
      world = await startWorld(channel, { at: '2026-11-21T09:00:00Z' });
      const giulia = await onboardMediator(world, 'Giulia', 'nord');
      const sara = await onboardMediator(world, 'Sara', 'sud');
      const vito = await onboardVolunteer(world, 'Vito', 'Mompiano', { approvedBy: giulia });
      const pia = await onboardVolunteer(world, 'Pia', 'Mompiano');
      await onboardVolunteer(world, 'Dino', 'Don Bosco', { zone: 'Zona Sud', approvedBy: sara });
      const anna = await onboardElder(world, { name: 'Anna', address: 'Via Mompiano 1' });
      const bruna = await onboardElder(world, { name: 'Bruna', address: 'Via Mompiano 2' });
      const vitoId = (await world.personOf(vito))!.id;
      const status = async () => (await world.store.getPerson(vitoId))!.volunteer!.status;

      // The list: Vito active with a Suspend button, Pia waiting with none; Dino is another zone's.
      await vito.send('/away');
      await giulia.send('/volunteers');
      let list = giulia.lastText();
      expect(list).toMatch(/Volontari della zona: 2/);
      expect(list).toMatch(
        /Attivi\*?\n• Vito, Mompiano: in pausa \(\/away\) · incarichi negli ultimi 7 giorni: 0\n\n\*?In attesa di approvazione\*?\n• Pia, Mompiano: disponibile/,
      );
      expect(list).not.toMatch(/Dino/);
      expect(giulia.taps()).toContain('⏸️ Sospendi Vito');
      expect(giulia.taps()).not.toContain('⏸️ Sospendi Pia');
      await vito.send('/available');

      // Suspend: one press; she is told kindly, the list is redrawn with her under Suspended.
      await giulia.press('⏸️ Sospendi Vito');
      expect(await status()).toBe('suspended');
      expect(vito.lastText()).toMatch(pausedNotice);
      list = giulia.lastText();
      expect(list).toMatch(/^⏸️ Fatto: Vito non riceve più richieste, per ora\./);
      expect(list).toMatch(/Sospesi\*?\n• Vito, Mompiano/);
      expect(giulia.taps()).toContain('▶️ Riattiva Vito');

      // Pressing Suspend again (an old copy of the button): nothing changes, she is not told twice.
      await giulia.pressForged('▶️ Riattiva Vito', `a:vs:${vitoId}`);
      expect(await status()).toBe('suspended');
      expect(told(vito, pausedNotice)).toBe(1);
      const already = 'Le richieste a Vito sono già in pausa.';
      if (world instanceof World)
        expect(world.api.callsTo('answerCallbackQuery').at(-1)?.params.text).toBe(already);
      else expect(giulia.lastText()).toBe(already);

      // A request in her zone is not offered to her.
      await askForHelp(anna);
      expect(offers(vito)).toBe(0);

      // A mediator of another zone forges Reinstate on her own list: refused, nothing changes.
      await sara.send('/volunteers');
      expect(sara.lastText()).toMatch(/Dino/);
      await sara.pressForged('⏸️ Sospendi Dino', `a:vu:${vitoId}`);
      expect(sara.lastText()).toBe('Non puoi usare questo pulsante. Nessuna modifica è stata fatta.');
      expect(await status()).toBe('suspended');
      // So is a volunteer who types the command.
      await pia.send('/volunteers');
      expect(pia.lastText()).toBe('Questa funzione è riservata ai mediatori di prossimità.');

      // Reinstate: she is told, and the next request is offered to her; her task counts in her load.
      await giulia.press('▶️ Riattiva Vito');
      expect(await status()).toBe('approved');
      expect(vito.lastText()).toMatch(backNotice);
      expect(giulia.lastText()).toMatch(/^▶️ Fatto: Vito riceve di nuovo le richieste\./);
      await giulia.pressForged('⏸️ Sospendi Vito', `a:vu:${vitoId}`);
      expect(await status()).toBe('approved');
      expect(told(vito, backNotice)).toBe(1);
      await askForHelp(bruna);
      expect(offers(vito)).toBe(1);
      await vito.press('✅ Ci vado io');
      await giulia.send('/volunteers');
      expect(giulia.lastText()).toMatch(/• Vito, Mompiano: disponibile · incarichi negli ultimi 7 giorni: 1/);
    },
  );

  it('pages of eight with Next and Back; a press on page 2 redraws page 2; in the menu and /help', async () => {
    world = await startWorld(channel, { at: '2026-11-21T09:00:00Z' });
    const giulia = await onboardMediator(world, 'Giulia', 'nord');
    await giulia.send('/help');
    expect(giulia.lastText()).toMatch(/\/volunteers/);
    if (world instanceof World) {
      const chat = { type: 'chat', chat_id: (giulia as Person).chatId } as const;
      expect((world.api.commands('', chat) ?? []).map((c) => c.command)).toContain('volunteers');
    }
    await seedVolunteers(world, 10);

    await giulia.send('/volunteers');
    const first = giulia.lastText();
    expect(first).toMatch(/Volontari della zona: 10\*? · pagina 1 di 2/);
    expect(first).toMatch(/Vol 08/);
    expect(first).not.toMatch(/Vol 09/);
    await giulia.press('Avanti ›');
    const second = giulia.lastText();
    expect(second).toMatch(/pagina 2 di 2/);
    expect(second).toMatch(/Vol 09[\s\S]*Vol 10/);
    expect(second).not.toMatch(/Vol 08/);

    await giulia.press('⏸️ Sospendi Vol 10');
    const after = giulia.lastText();
    expect(after).toMatch(/pagina 2 di 2/);
    expect(after).toMatch(/Attivi\*?\n• Vol 09[^\n]*\n\n\*?Sospesi\*?\n• Vol 10/);
    expect(giulia.taps()).toContain('▶️ Riattiva Vol 10');
    expect((await world.store.getPerson('seed-volunteer-10'))!.volunteer!.status).toBe('suspended');
    await giulia.press('‹ Indietro');
    expect(giulia.lastText()).toMatch(/pagina 1 di 2/);
  });
});
