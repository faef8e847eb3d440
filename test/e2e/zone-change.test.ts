import { afterEach, describe, expect, it } from 'vitest';
import { startWorld } from '../support/channels.js';
import { askForHelp, onboardElder, onboardMediator, onboardVolunteer } from '../support/cast.js';
import type { ChatUser, ChatWorld } from '../support/world.js';

const refused = 'Non puoi usare questo pulsante. Nessuna modifica è stata fatta.';
const reviewCard = /^Nuova iscrizione al volontariato:\n.*Anna/;
const offer = /Richiesta di aiuto vicino a te/;
const slow = 150_000;

/** Approval is per zone: a volunteer who moves into another zone waits for that zone's mediators. */
describe.each(['telegram', 'whatsapp'] as const)('a volunteer changing zone on %s', (channel) => {
  let world: ChatWorld;
  afterEach(async () => {
    expect(world.problems()).toEqual([]);
    await world.close();
  });

  /** Anna's profile item as stored, index keys included. */
  async function stored(anna: ChatUser) {
    const id = (await world.personOf(anna))!.id;
    return (await world.scan()).find((i) => i.PK === `P#${id}` && i.SK === 'PROFILE')!;
  }

  const reviews = (m: ChatUser) => m.texts().filter((t) => reviewCard.test(t)).length;

  it(
    'moved into another zone: pending there, reviewed by its mediator, offered nothing until approved',
    async () => {
      world = await startWorld(channel, { at: '2026-11-20T09:00:00Z' });
      const giulia = await onboardMediator(world, 'Giulia', 'nord');
      const sara = await onboardMediator(world, 'Sara', 'sud');
      const anna = await onboardVolunteer(world, 'Anna', 'Mompiano', { approvedBy: giulia });
      expect((await stored(anna)).GSI3PK).toBeDefined();
      const giuliaReviews = reviews(giulia);

      await anna.send('/profile');
      await anna.press('Cambia quartiere');
      await anna.press('Zona Sud');
      await anna.press('Don Bosco');
      expect(anna.lastText()).toBe(
        'Fatto, ho salvato. ✅ Ora il tuo quartiere è nella Zona Sud: chi coordina i volontari di questa zona guarderà presto la tua iscrizione. Fino ad allora non ti arriveranno richieste di aiuto; ti scrivo appena è tutto a posto. 💛',
      );
      const item = await stored(anna);
      expect((item.volunteer as { status: string }).status).toBe('pending');
      expect(item.volunteer).not.toHaveProperty('decidedBy');
      expect(item.GSI1PK).toBe('ZONE#sud#volunteer');
      expect(String(item.GSI1SK)).toMatch(/^pending#/);
      // Out of the geo index until approved.
      expect(item.GSI3PK).toBeUndefined();
      expect(item.GSI3SK).toBeUndefined();
      // Sara, of the new zone, gets the card a new volunteer's registration gets; Giulia nothing more.
      expect(reviews(sara)).toBe(1);
      expect(sara.texts().find((t) => reviewCard.test(t))).toMatch(/Zona Sud, Don Bosco/);
      expect(reviews(giulia)).toBe(giuliaReviews);

      // A request next door goes through every stage without her.
      const rosa = await onboardElder(world, {
        name: 'Rosa',
        zone: 'Zona Sud',
        hood: 'Don Bosco',
        address: 'Via Cremona 10',
      });
      await askForHelp(rosa);
      const asked = world.clock.now().getTime();
      for (const minutes of [16, 32, 48]) await world.tickAt(new Date(asked + minutes * 60_000));
      expect(sara.texts().some((t) => /Nessun volontario ha accettato la richiesta di \*?Rosa/.test(t))).toBe(
        true,
      );
      expect(anna.texts().some((t) => offer.test(t))).toBe(false);

      // Her old zone's mediator cannot approve her any more: refused, nothing written.
      const annaId = (await world.personOf(anna))!.id;
      const before = JSON.stringify(await stored(anna));
      await giulia.pressForged(/./, `a:va:${annaId}`);
      expect(giulia.lastText()).toBe(refused);
      expect(JSON.stringify(await stored(anna))).toBe(before);

      // Sara approves: the index has her again, and the next request reaches her.
      await rosa.send('/requests');
      await rosa.press('❌ Annulla la richiesta');
      await sara.press('✅ Approva');
      expect(anna.lastText()).toMatch(/approvata/);
      const approved = await stored(anna);
      expect((approved.volunteer as { status: string; decidedBy: string }).decidedBy).toBe(
        (await world.personOf(sara))!.id,
      );
      expect(approved.GSI3PK).toBeDefined();
      await askForHelp(rosa, { category: 'Spesa' });
      expect(anna.texts().some((t) => offer.test(t))).toBe(true);
    },
    slow,
  );

  it(
    'a move within the zone changes nothing about approval; a location in another zone does',
    async () => {
      world = await startWorld(channel, { at: '2026-11-20T09:00:00Z' });
      const giulia = await onboardMediator(world, 'Giulia', 'nord');
      const sara = await onboardMediator(world, 'Sara', 'sud');
      const anna = await onboardVolunteer(world, 'Anna', 'Mompiano', { approvedBy: giulia });
      const giuliaReviews = reviews(giulia);

      await anna.send('/profile');
      await anna.press('Cambia quartiere');
      await anna.press('Zona Nord');
      await anna.press('Casazza');
      expect(anna.lastText()).toBe('Fatto, ho salvato. ✅');
      const same = await stored(anna);
      expect((same.volunteer as { status: string }).status).toBe('approved');
      expect(same.GSI3PK).toBeDefined();
      expect(reviews(giulia)).toBe(giuliaReviews);
      expect(reviews(sara)).toBe(0);

      // Her location, shared from Lamarmora (zone Sud): pending there.
      await anna.send('/profile');
      await anna.press('Cambia quartiere');
      await anna.shareLocation(45.522, 10.223);
      expect(anna.lastText()).toMatch(/Zona Sud: chi coordina i volontari/);
      const moved = await stored(anna);
      expect((moved.volunteer as { status: string }).status).toBe('pending');
      expect(moved.GSI3PK).toBeUndefined();
      expect(sara.texts().find((t) => reviewCard.test(t))).toMatch(/Zona Sud, Lamarmora/);
      expect(reviews(giulia)).toBe(giuliaReviews);
    },
    slow,
  );
});
