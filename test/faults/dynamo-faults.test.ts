/**
 * Fault injection: a representative turn runs with one DynamoDB call failing,
 * for each call the turn (and the delivery after it) makes, then Telegram's
 * retry delivers the update again. Exactly one effect, one reply sequence.
 */
import type { Update } from 'grammy/types';
import { afterEach, describe, expect, it } from 'vitest';
import {
  approveInStore,
  askForHelp,
  draftRequest,
  inviteRelative,
  joinAsRelative,
  onboardElder,
  onboardMediator,
  onboardVolunteer,
} from '../support/cast.js';
import { deliverUntilAccepted as deliverUntil, withFaultAt as withFault } from '../support/faults.js';
import { World, type Person } from '../support/world.js';
import { loadNetworkFile } from '../../bot/config/network.js';

let world: World;

/** These tests ask again and again for one elder: the cap on her requests still going is lifted. */
const base = loadNetworkFile('network/brescia.json');
const roomy = { requests: { ...base.requests, maxOpenPerPerson: 1000 } };

afterEach(async () => {
  world.faults.failAt(0);
  expect(world.refusedAfterFaults()).toEqual([]);
  await world.close();
});

/** Maria, with her address and her phone typed, and no daily question. */
const elder = () => onboardElder(world, { address: 'Via dei Mille 5', phone: { type: '333 765 4321' } });

async function volunteer(name: string, hood: string): Promise<Person> {
  const v = await onboardVolunteer(world, name, hood, { tasks: ['⬜ Farmacia'] });
  await approveInStore(world, v);
  return v;
}

const deliverUntilAccepted = (update: Update) => deliverUntil(world, update);
const withFaultAt = (n: number, update: Update) => withFault(world, n, update);

const offer = (t: string) => t.startsWith('🙋 Richiesta di aiuto vicino a te');
const sent = (t: string) => t.startsWith('👍 Richiesta inviata');

describe('a DynamoDB call fails during a turn, then Telegram retries', () => {
  it('request creation with wave 1: one request, one offer to each volunteer, one confirmation — whichever call fails', async () => {
    world = await World.start({ at: '2026-11-21T09:00:00Z', network: roomy });
    const maria = await elder();
    const volunteers = [
      await volunteer('Anna', 'Mompiano'),
      await volunteer('Bruno', 'Casazza'),
      await volunteer('Carla', 'Borgo Trento'),
    ];
    const mariaId = (await world.personOf(maria))!.id;

    /** Asks for a pharmacy run with the last press's update handed to `last`. */
    const ask = async (last: (update: Update) => Promise<unknown>) => {
      await draftRequest(maria, { note: 'La ricetta è sul tavolo' });
      const { message, data } = maria.findButton('No');
      await last(world.api.userPresses(maria.tg, maria.chatId, message.message_id, data));
    };
    const counts = async () => ({
      // requestsOf lists the last 50 only: count the items.
      requests: (await world.scan()).filter((i) => i.entity === 'request' && i.elderId === mariaId).length,
      offers: volunteers.map((v) => v.texts().filter(offer).length),
      confirmations: maria.texts().filter(sent).length,
    });

    // A clean run: how many calls the turn and its delivery make.
    let calls = 0;
    let committed = 0;
    await ask(async (update) => {
      world.faults.failAt(0);
      await deliverUntilAccepted(update);
      calls = world.faults.seen;
      // The turn's calls run up to its commit and the record's settling after it.
      committed = world.faults.names.lastIndexOf('TransactWriteItemsCommand') + 2;
    });
    console.log(`request creation: ${calls} DynamoDB calls, ${committed} up to the turn's commit`);
    expect(calls).toBeGreaterThan(3);
    // Every call of the turn; the delivery's (the log's claims and marks, each alike) sampled.
    const positions = Array.from({ length: calls }, (_, i) => i + 1).filter(
      (n) => n <= committed + 1 || n % 10 === 0 || n === calls,
    );

    for (const n of positions) {
      const before = await counts();
      let tries = 0;
      await ask(async (update) => {
        world.faults.failAt(n);
        tries = await deliverUntilAccepted(update);
        world.faults.failAt(0);
      });
      const after = await counts();
      expect(after.requests - before.requests, `fault at call ${n} (tries ${tries})`).toBe(1);
      const offers = after.offers.map((o, i) => o - before.offers[i]!);
      const confirmations = after.confirmations - before.confirmations;
      if (n <= committed) {
        expect(offers, `fault at call ${n}`).toEqual([1, 1, 1]);
        expect(confirmations, `fault at call ${n}`).toBe(1);
      } else {
        // Delivery: the log's one at-least-once window (Telegram took the message, then the
        // log's "sent" write failed) may send that one message twice; nothing is lost.
        const all = [...offers, confirmations];
        expect(Math.min(...all), `fault at call ${n}`).toBe(1);
        expect(
          all.reduce((a, b) => a + b, 0),
          `fault at call ${n}`,
        ).toBeLessThanOrEqual(5);
      }
    }
  }, 900_000);

  it('the relative invite: one invite and one link message per /invite — whichever call fails', async () => {
    world = await World.start({ at: '2026-11-21T09:00:00Z' });
    const maria = await elder();
    const mariaId = (await world.personOf(maria))!.id;
    const counts = async () => ({
      invites: (await world.scan()).filter((i) => i.entity === 'invite' && i.elderId === mariaId).length,
      links: maria.texts().filter((t) => /start=r\w+/.test(t)).length,
    });
    const invite = async (n: number) => {
      const { tries, calls } = await withFaultAt(n, world.api.userSends(maria.tg, '/invite'));
      return { tries, calls };
    };
    const clean = await invite(0);
    expect(clean.tries).toBe(1);
    for (let n = 1; n <= clean.calls; n++) {
      const before = await counts();
      const { tries } = await invite(n);
      const after = await counts();
      expect(after.invites - before.invites, `fault at call ${n} (tries ${tries})`).toBe(1);
      expect(after.links - before.links, `fault at call ${n} (tries ${tries})`).toBeGreaterThanOrEqual(1);
      // The delivery log's one at-least-once window (sent, then the "sent" write failed) may repeat it once.
      expect(after.links - before.links, `fault at call ${n} (tries ${tries})`).toBeLessThanOrEqual(2);
    }
  }, 300_000);

  it('"I\'m fine" on the morning prompt: the check-in closed once, one thanks — whichever call fails', async () => {
    world = await World.start({ at: '2026-11-20T10:00:00Z' });
    const maria = await onboardElder(world, { time: 'Alle 09:00' });
    const mariaId = (await world.personOf(maria))!.id;
    const thanks = () => maria.texts().filter((t) => t.includes('Che bello, grazie!')).length;
    /** Day `d` after the 21st: the 09:00 prompt (08:00Z), then "I'm fine" with call `n` failing. */
    const fine = async (d: number, n: number) => {
      const day = new Date(Date.UTC(2026, 10, 21 + d, 8, 0));
      await world.tickAt(day.toISOString());
      const { message, data } = maria.findButton('😊 Sto bene');
      const { tries, calls } = await withFaultAt(
        n,
        world.api.userPresses(maria.tg, maria.chatId, message.message_id, data),
      );
      const localDate = day.toISOString().slice(0, 10);
      const checkIn = (await world.scan()).find(
        (i) => i.entity === 'checkIn' && i.elderId === mariaId && i.localDate === localDate,
      );
      return { tries, calls, state: checkIn?.state };
    };
    let before = thanks();
    const clean = await fine(0, 0);
    expect(clean).toMatchObject({ tries: 1, state: 'fine' });
    expect(thanks() - before).toBe(1);
    for (let n = 1; n <= clean.calls; n++) {
      before = thanks();
      const { tries, state } = await fine(n, n);
      expect(state, `fault at call ${n} (tries ${tries})`).toBe('fine');
      expect(thanks() - before, `fault at call ${n} (tries ${tries})`).toBeGreaterThanOrEqual(1);
      // The delivery log's one at-least-once window may repeat it once.
      expect(thanks() - before, `fault at call ${n} (tries ${tries})`).toBeLessThanOrEqual(2);
    }
    // Every day's answer counted once in the network's figures, whichever call failed.
    const answered = (await world.scan())
      .filter((i) => i.entity === 'figures' && i.PK === 'FIG#*' && i.SK !== 'PEOPLE')
      .reduce((sum, i) => sum + Number(i.n_answered ?? 0), 0);
    expect(answered).toBe(clean.calls + 1);
  }, 600_000);

  it('an address typed in /profile: saved once with the commit, one "saved" — whichever call fails', async () => {
    world = await World.start({ at: '2026-11-21T09:00:00Z' });
    const maria = await elder();
    const mariaId = (await world.personOf(maria))!.id;
    const saved = () => maria.texts().filter((t) => t === 'Fatto, ho salvato. ✅').length;
    /** Asks to change the address, then types `address` with call `n` failing. */
    const edit = async (address: string, n: number) => {
      await maria.send('/profile');
      await maria.press('Cambia indirizzo');
      const { tries, calls } = await withFaultAt(n, world.api.userSends(maria.tg, address));
      return { tries, calls, details: await world.store.getPrivate(mariaId) };
    };
    let before = saved();
    const clean = await edit('Via Roma 1', 0);
    expect(clean).toMatchObject({ tries: 1, details: { address: 'Via Roma 1', phone: '+393337654321' } });
    expect(saved() - before).toBe(1);
    for (let n = 1; n <= clean.calls; n++) {
      before = saved();
      const address = `Via Roma ${n + 1}`;
      const { tries, details } = await edit(address, n);
      // The phone is neither read nor rewritten; the address is there once the update is accepted.
      expect(details, `fault at call ${n} (tries ${tries})`).toEqual({ address, phone: '+393337654321' });
      expect(saved() - before, `fault at call ${n} (tries ${tries})`).toBeGreaterThanOrEqual(1);
      // The delivery log's one at-least-once window may repeat it once.
      expect(saved() - before, `fault at call ${n} (tries ${tries})`).toBeLessThanOrEqual(2);
      // A fault before the commit writes nothing: the update is delivered again.
      if (n <= 2) expect(tries, `fault at call ${n}`).toBe(2);
    }
  }, 600_000);

  it('accept: the request assigned once, one card, the elder told once — whichever call fails', async () => {
    world = await World.start({ at: '2026-11-21T09:00:00Z', network: roomy });
    const maria = await elder();
    const anna = await volunteer('Anna', 'Mompiano');
    const annaId = (await world.personOf(anna))!.id;
    const cards = () => anna.texts().filter((t) => /Per: Maria/.test(t)).length;
    const coming = () => maria.texts().filter((t) => /Anna verrà/.test(t)).length;
    /** Maria asks; Anna accepts the offer with call `n` failing. */
    const accept = async (n: number) => {
      await askForHelp(maria);
      const { message, data } = anna.findButton('✅ Ci vado io');
      const before = { cards: cards(), coming: coming() };
      const { tries, calls } = await withFaultAt(
        n,
        world.api.userPresses(anna.tg, anna.chatId, message.message_id, data),
      );
      const requestId = data.split(':')[2];
      const request = (await world.scan()).find((i) => i.entity === 'request' && i.id === requestId);
      return { tries, calls, request, cards: cards() - before.cards, coming: coming() - before.coming };
    };
    const clean = await accept(0);
    expect(clean).toMatchObject({ tries: 1, cards: 1, coming: 1 });
    expect(clean.request).toMatchObject({ state: 'assigned', assignedTo: annaId });
    for (let n = 1; n <= clean.calls; n++) {
      const got = await accept(n);
      const at = `fault at call ${n} (tries ${got.tries})`;
      expect(got.request, at).toMatchObject({ state: 'assigned', assignedTo: annaId });
      // One each; the delivery log's one at-least-once window may repeat a message once.
      expect(got.cards, at).toBeGreaterThanOrEqual(1);
      expect(got.cards, at).toBeLessThanOrEqual(2);
      expect(got.coming, at).toBeGreaterThanOrEqual(1);
      expect(got.coming, at).toBeLessThanOrEqual(2);
    }
  }, 900_000);

  it('"I need help": one alert, the mediator told once, the elder answered once — whichever call fails', async () => {
    world = await World.start({ at: '2026-11-21T09:00:00Z' });
    const zone = await onboardMediator(world, 'Giulia', 'nord');
    const maria = await elder();
    const mariaId = (await world.personOf(maria))!.id;
    const alerts = async () =>
      (await world.scan()).filter(
        (i) => i.entity === 'alert' && i.kind === 'needsHelp' && i.personId === mariaId,
      ).length;
    const cards = () => zone.texts().filter((t) => /Maria.*Ho bisogno di aiuto/s.test(t)).length;
    const answered = () =>
      maria.texts().filter((t) => /Ho avvisato le persone che ti seguono/.test(t)).length;
    /** "I need help" typed from the big keyboard, a few minutes after the last one, call `n` failing. */
    const help = async (n: number) => {
      world.clock.current = new Date(world.clock.now().getTime() + 5 * 60_000);
      const before = { alerts: await alerts(), cards: cards(), answered: answered() };
      const { tries, calls } = await withFaultAt(n, world.api.userSends(maria.tg, '🆘 Ho bisogno di aiuto'));
      return {
        tries,
        calls,
        alerts: (await alerts()) - before.alerts,
        cards: cards() - before.cards,
        answered: answered() - before.answered,
      };
    };
    const clean = await help(0);
    expect(clean).toMatchObject({ tries: 1, alerts: 1, cards: 1, answered: 1 });
    for (let n = 1; n <= clean.calls; n++) {
      const got = await help(n);
      const at = `fault at call ${n} (tries ${got.tries})`;
      expect(got.alerts, at).toBe(1);
      for (const count of [got.cards, got.answered]) {
        expect(count, at).toBeGreaterThanOrEqual(1);
        expect(count, at).toBeLessThanOrEqual(2);
      }
    }
  }, 900_000);

  it('"Not this time": the volunteer left out once, one thanks, the next stage once — whichever call fails', async () => {
    world = await World.start({ at: '2026-11-21T09:00:00Z', network: roomy });
    const maria = await elder();
    const anna = await volunteer('Anna', 'Mompiano');
    const bruno = await volunteer('Bruno', 'Borgo Trento');
    const annaId = (await world.personOf(anna))!.id;
    const thanks = () =>
      anna.texts().filter((t) => t === 'Va bene, grazie. Chiederò a qualcun altro.').length;
    /** Maria asks; the offer goes to both; Anna declines with call `n` failing. */
    const decline = async (n: number) => {
      await askForHelp(maria);
      const { message, data } = anna.findButton('Non questa volta');
      const before = { thanks: thanks(), offers: bruno.texts().filter(offer).length };
      const { tries, calls } = await withFaultAt(
        n,
        world.api.userPresses(anna.tg, anna.chatId, message.message_id, data),
      );
      const requestId = data.split(':')[2];
      const request = (await world.scan()).find((i) => i.entity === 'request' && i.id === requestId);
      return {
        tries,
        calls,
        request,
        thanks: thanks() - before.thanks,
        offers: bruno.texts().filter(offer).length - before.offers,
      };
    };
    const clean = await decline(0);
    expect(clean).toMatchObject({ tries: 1, thanks: 1, offers: 0 });
    expect(clean.request).toMatchObject({ state: 'open', excluded: new Set([annaId]) });
    for (let n = 1; n <= clean.calls; n++) {
      const got = await decline(n);
      const at = `fault at call ${n} (tries ${got.tries})`;
      expect(got.request, at).toMatchObject({ state: 'open', excluded: new Set([annaId]) });
      expect(got.thanks, at).toBeGreaterThanOrEqual(1);
      expect(got.thanks, at).toBeLessThanOrEqual(2);
      // Bruno still has his offer of this round: declining does not offer it to him again.
      expect(got.offers, at).toBe(0);
    }
  }, 900_000);

  it('a volunteer approved: approved once, told once — whichever call fails', async () => {
    world = await World.start({ at: '2026-11-21T09:00:00Z' });
    const zone = await onboardMediator(world, 'Giulia', 'nord');
    const told = (v: Person) =>
      v.texts().filter((t) => t.startsWith('🎉 La tua iscrizione è stata approvata!')).length;
    /** A new volunteer signs up; the mediator approves with call `n` failing. */
    const approve = async (n: number) => {
      const v = await onboardVolunteer(world, `Vol${n}`, 'Mompiano');
      const { message, data } = zone.findButton('✅ Approva');
      const { tries, calls } = await withFaultAt(
        n,
        world.api.userPresses(zone.tg, zone.chatId, message.message_id, data),
      );
      const stored = await world.personOf(v);
      return { tries, calls, status: stored?.volunteer?.status, told: told(v) };
    };
    const clean = await approve(0);
    expect(clean).toMatchObject({ tries: 1, status: 'approved', told: 1 });
    for (let n = 1; n <= clean.calls; n++) {
      const got = await approve(n);
      const at = `fault at call ${n} (tries ${got.tries})`;
      expect(got.status, at).toBe('approved');
      expect(got.told, at).toBeGreaterThanOrEqual(1);
      expect(got.told, at).toBeLessThanOrEqual(2);
    }
  }, 900_000);

  it('the elder confirms a relative: linked once, the relative told once — whichever call fails', async () => {
    world = await World.start({ at: '2026-11-21T09:00:00Z' });
    const maria = await elder();
    const mariaId = (await world.personOf(maria))!.id;
    const told = (r: Person) =>
      r.texts().filter((t) => t.startsWith('✅ Maria ha confermato il collegamento')).length;
    /** A new relative joins through Maria's link; she confirms with call `n` failing. */
    const confirm = async (n: number) => {
      const relative = await joinAsRelative(world, await inviteRelative(maria), { name: `Luca${n}` });
      const { message, data } = maria.findButton('✅ Sì, è di famiglia');
      const { tries, calls } = await withFaultAt(
        n,
        world.api.userPresses(maria.tg, maria.chatId, message.message_id, data),
      );
      const relativeId = (await world.personOf(relative))!.id;
      const link = await world.store.getLink(mariaId, relativeId);
      return { tries, calls, status: link?.status, told: told(relative) };
    };
    const clean = await confirm(0);
    expect(clean).toMatchObject({ tries: 1, status: 'confirmed', told: 1 });
    for (let n = 1; n <= clean.calls; n++) {
      const got = await confirm(n);
      const at = `fault at call ${n} (tries ${got.tries})`;
      expect(got.status, at).toBe('confirmed');
      expect(got.told, at).toBeGreaterThanOrEqual(1);
      expect(got.told, at).toBeLessThanOrEqual(2);
    }
  }, 900_000);
});
