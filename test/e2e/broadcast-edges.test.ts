import { afterEach, describe, expect, it } from 'vitest';
import { startWorld, type WhatsAppWorld } from '../support/channels.js';
import { onboardMediator, onboardVolunteer } from '../support/cast.js';
import { World } from '../support/world.js';
import type { Person as Profile } from '../../bot/domain/person.js';
import { broadcast, copies, reportOf, volunteers } from '../support/broadcasting.js';

/**
 * `/broadcast` at its edges: WhatsApp without an approved broadcast template
 * (copies wait for their person), a zone too large for one turn's record, and the
 * command menus.
 */

describe('/broadcast on WhatsApp without an approved broadcast template', () => {
  let world: WhatsAppWorld;
  afterEach(async () => {
    expect(world.problems()).toEqual([]);
    await world.close();
  });

  it(
    'a copy outside the window waits for its person, the report says so, and it arrives when they write',
    { timeout: 180_000 },
    async () => {
      world = (await startWorld('whatsapp', {
        at: '2026-11-21T09:00:00Z',
        whatsappTemplates: { 'broadcast.message': '' },
      })) as WhatsAppWorld;
      const giulia = await onboardMediator(world, 'Giulia', 'nord');
      const vito = await onboardVolunteer(world, 'Vito', 'Mompiano', { approvedBy: giulia });
      const pia = await onboardVolunteer(world, 'Pia', 'Casazza', { approvedBy: giulia });
      // Two days on; Pia wrote this morning, Vito not since he signed up.
      world.clock.current = new Date('2026-11-23T09:00:00Z');
      await pia.send('/help');

      await broadcast(giulia, volunteers, 'Ci vediamo giovedì.');
      expect(copies(pia, 'Ci vediamo giovedì.')).toBe(1);
      expect(copies(vito, 'Ci vediamo giovedì.')).toBe(0);
      expect(reportOf(giulia)[0]).toMatch(
        /Consegnati: 1\nIn attesa su WhatsApp: 1\nNon consegnati: 0\nNon raggiungibili: 0$/,
      );
      await vito.send('ciao');
      expect(copies(vito, 'Ci vediamo giovedì.')).toBe(1);
    },
  );
});

describe('/broadcast on Telegram: the menu, a large zone', () => {
  let world: World;
  afterEach(async () => {
    expect(world.problems()).toEqual([]);
    await world.close();
  });

  it(
    "a long text to a large zone reaches everyone: the copies beyond one turn's record go at the next tick",
    { timeout: 180_000 },
    async () => {
      world = await World.start({ at: '2026-11-21T09:00:00Z' });
      const giulia = await onboardMediator(world, 'Giulia', 'nord');
      const at = world.clock.now().toISOString();
      const seeded = Array.from({ length: 300 }, (_, i): Profile => {
        const n = String(i).padStart(3, '0');
        return {
          id: `seed-volunteer-${n}`,
          lang: 'it',
          createdAt: at,
          channels: [{ channel: 'telegram', id: String(880000 + i) }],
          onboardedAt: at,
          consentAt: at,
          role: 'volunteer',
          name: `Vol ${n}`,
          zoneId: 'nord',
          place: {
            zoneId: 'nord',
            neighbourhoodId: 'casazza',
            lat: 45.56,
            lon: 10.22,
            source: 'neighbourhood',
          },
          volunteer: {
            status: 'approved',
            radiusKm: 5,
            categories: ['pharmacy'],
            days: ['mon'],
            dayParts: ['morning'],
            languages: ['it'],
          },
        };
      });
      for (let i = 0; i < seeded.length; i += 25)
        await Promise.all(seeded.slice(i, i + 25).map((v) => world.store.createPerson(v, v.channels[0]!)));

      await giulia.send('/broadcast');
      await giulia.press(volunteers);
      const text = 'Avviso importante. '.repeat(36).trim();
      await giulia.send(text);
      expect(giulia.lastText()).toBe('Destinatari: 300 (volontari). Lo invio?');
      await giulia.press('📣 Invia');
      const got = () =>
        seeded.filter((v) => world.api.messages(Number(v.channels[0]!.id)).length === 1).length;
      const now = got();
      // Not all in the Send turn (its record holds at most 300 KB of copies), none lost, none twice.
      expect(now).toBeGreaterThan(0);
      expect(now).toBeLessThan(300);
      await world.tickAt(new Date(world.clock.now().getTime() + 60_000).toISOString());
      expect(got()).toBe(300);
      for (const v of seeded.slice(0, 3))
        expect(world.api.messages(Number(v.channels[0]!.id))[0]!.text).toContain('Avviso importante.');
      await world.tickAt(new Date(world.clock.now().getTime() + 60_000).toISOString());
      expect(reportOf(giulia)[0]).toMatch(/Consegnati: 300\n/);
    },
  );

  it("is in a mediator's menu and /help, not in a volunteer's", async () => {
    world = await World.start({ at: '2026-11-21T09:00:00Z' });
    const giulia = await onboardMediator(world, 'Giulia', 'nord');
    const vito = await onboardVolunteer(world, 'Vito', 'Mompiano', { approvedBy: giulia });
    await giulia.send('/help');
    expect(giulia.lastText()).toMatch(/\/broadcast/);
    const menu = (p: typeof giulia) =>
      (world.api.commands('', { type: 'chat', chat_id: p.chatId }) ?? []).map((c) => c.command);
    expect(menu(giulia)).toContain('broadcast');
    expect(menu(vito)).not.toContain('broadcast');
  });
});

describe('/broadcast: copies beyond the Send turn’s record', () => {
  let world: World;
  afterEach(async () => {
    expect(world.problems()).toEqual([]);
    await world.close();
  });

  it('wait for that turn to be committed: nothing reaches anyone before it', async () => {
    world = await World.start({ at: '2026-11-21T09:00:00Z' });
    const giulia = await onboardMediator(world, 'Giulia', 'nord');
    const id = (await world.personOf(giulia))!.id;
    const now = world.clock.now();
    const key = { channel: 'telegram', updateId: '990001' };
    // As Send writes it before its commit (its turn failed after this, and Telegram will retry).
    await world.runtime.deps.timers.schedule([
      {
        id: 'held.fan.broadcast:b1:v1',
        kind: 'held',
        due: now.toISOString(),
        data: {
          message: {
            id: 'broadcast:b1:v1',
            personId: id,
            to: { channel: 'telegram', id: String(giulia.chatId) },
            lang: 'it',
            replies: [{ text: 'start.welcomeBack', params: { name: 'Copia' } }],
          },
          afterTurn: { personId: id, ...key, at: now.toISOString() },
        },
      },
    ]);
    const copies = () => giulia.texts().filter((t) => t.includes('Copia')).length;
    await world.tickAt(new Date(now.getTime() + 60_000).toISOString());
    await world.tickAt(new Date(now.getTime() + 120_000).toISOString());
    expect(copies()).toBe(0);
    await world.store.commitTurn({
      key,
      personId: id,
      record: { lang: 'it', outbound: [] },
      now,
      ttlSeconds: 3600,
    });
    await world.tickAt(new Date(now.getTime() + 180_000).toISOString());
    await world.tickAt(new Date(now.getTime() + 240_000).toISOString());
    expect(copies()).toBe(1);
  });
});
