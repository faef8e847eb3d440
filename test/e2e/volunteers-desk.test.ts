import { afterEach, describe, expect, it } from 'vitest';
import { startWorld } from '../support/channels.js';
import { askForHelp, onboardElder, onboardMediator, onboardVolunteer } from '../support/cast.js';
import type { ChatUser, ChatWorld } from '../support/world.js';

/**
 * `/volunteers`: a mediator's zone volunteers by status, with availability and
 * last week's load, and Suspend / Reinstate: a suspended volunteer is told and
 * gets no offers; only a mediator of her zone may press either.
 */

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
      if (channel === 'whatsapp') expect(giulia.lastText()).toBe('Le richieste a Vito sono già in pausa.');

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
});
