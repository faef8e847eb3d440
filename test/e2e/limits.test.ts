import { afterEach, describe, expect, it } from 'vitest';
import { loadNetworkFile } from '../../bot/config/network.js';
import { startWorld } from '../support/channels.js';
import {
  askForHelp,
  draftRequest,
  linkRelative,
  onboardElder,
  onboardMediator,
  onboardVolunteer,
} from '../support/cast.js';
import { withFaultAt } from '../support/faults.js';
import { World, type ChatUser, type ChatWorld } from '../support/world.js';

const slow = 300_000;
const base = loadNetworkFile('network/brescia.json');
/** The network with another cap on the requests one elder may have going. */
const withCap = (maxOpenPerPerson: number) => ({ requests: { ...base.requests, maxOpenPerPerson } });

const count = (p: ChatUser, re: RegExp) => p.texts().filter((t) => re.test(t)).length;
const urgentOffer = /Urgente\*? — richiesta di aiuto vicino a te/;
const reason = (time: string) =>
  new RegExp(
    `^🌙 Maria ha chiesto di nuovo aiuto alle ${time} \\(Farmacia\\)\\. I volontari erano già stati svegliati alle 02:0\\d per Maria, quindi questa richiesta arriva solo a te\\.$`,
  );
const passedOn = /^🙏 Richiesta ricevuta \(Farmacia\)\. Poco fa i volontari sono già stati svegliati per te/;

/** Maria asks urgently: every question, then "yes, it is urgent". */
async function askUrgently(maria: ChatUser): Promise<void> {
  await draftRequest(maria);
  await maria.press('⚠️ Sì, è urgente');
}

describe.each(['telegram', 'whatsapp'] as const)('limits on %s', (channel) => {
  let world: ChatWorld;
  afterEach(async () => {
    expect(world.problems()).toEqual([]);
    await world.close();
  });

  const requestsOf = async (p: ChatUser) =>
    world.runtime.deps.requests.requestsOf((await world.personOf(p))!.id);

  it(
    'five urgent requests at 02:00 wake each volunteer once; the mediator gets the rest, with the reason',
    async () => {
      // 02:00 in Brescia.
      world = await startWorld(channel, { at: '2026-11-21T01:00:00Z', network: withCap(10) });
      const giulia = await onboardMediator(world, 'Giulia', 'nord');
      const maria = await onboardElder(world, { address: 'Via dei Mille 5' });
      const anna = await onboardVolunteer(world, 'Anna', 'Mompiano', { approvedBy: giulia });
      const bruno = await onboardVolunteer(world, 'Bruno', 'Casazza', { approvedBy: giulia });

      await askUrgently(maria);
      expect(maria.lastText()).toMatch(/^👍 Richiesta inviata/);
      for (const minutes of [2, 5, 9, 14]) {
        world.clock.current = new Date(Date.parse('2026-11-21T01:00:00Z') + minutes * 60_000);
        await askUrgently(maria);
        expect(maria.lastText()).toMatch(passedOn);
      }
      expect(count(anna, urgentOffer)).toBe(1);
      expect(count(bruno, urgentOffer)).toBe(1);
      for (const time of ['02:02', '02:05', '02:09', '02:14']) expect(count(giulia, reason(time))).toBe(1);
      const stored = await requestsOf(maria);
      expect(stored).toHaveLength(5);
      expect(stored.filter((r) => r.mediatorOnly)).toHaveLength(4);
      expect(stored.filter((r) => r.mediatorOnly).every((r) => r.offeredTo.length === 0)).toBe(true);

      // An hour after the first round (02:0x, as long as onboarding took), the next urgent request is offered again.
      world.clock.current = new Date('2026-11-21T02:10:00Z');
      await askUrgently(maria);
      expect(maria.lastText()).toMatch(/^👍 Richiesta inviata/);
      expect(count(anna, urgentOffer)).toBe(2);
      expect(count(bruno, urgentOffer)).toBe(2);
    },
    slow,
  );

  it(
    'in the day, every urgent request is offered to the volunteers',
    async () => {
      world = await startWorld(channel, { at: '2026-11-21T09:00:00Z' });
      const giulia = await onboardMediator(world, 'Giulia', 'nord');
      const maria = await onboardElder(world, { address: 'Via dei Mille 5' });
      const anna = await onboardVolunteer(world, 'Anna', 'Mompiano', { approvedBy: giulia });
      await askUrgently(maria);
      world.clock.current = new Date('2026-11-21T09:05:00Z');
      await askUrgently(maria);
      expect(count(anna, urgentOffer)).toBe(2);
      expect(count(giulia, /ha chiesto di nuovo aiuto/)).toBe(0);
    },
    slow,
  );

  it(
    'the cap: the elder and her relative are told what is going and how to cancel; nothing is made',
    async () => {
      world = await startWorld(channel, { at: '2026-11-21T09:00:00Z' });
      const maria = await onboardElder(world, { address: 'Via dei Mille 5' });
      const luca = await linkRelative(world, maria);
      for (let i = 0; i < 3; i++) await askForHelp(maria);
      expect(await requestsOf(maria)).toHaveLength(3);

      // The fourth: Maria hears it at once, with her three requests and their cancel buttons.
      await maria.press('🙋 Chiedi un volontario');
      const told = maria.texts().slice(-4);
      expect(told[0]).toMatch(/^📋 Ci sono già tante richieste in corso per te: per ora è il massimo/);
      expect(told.slice(1).every((t) => /Farmacia\*?, oggi: cerchiamo un volontario/.test(t))).toBe(true);
      // She types where a button was expected: still nothing is made.
      await maria.send('Farmacia');
      expect(await requestsOf(maria)).toHaveLength(3);

      // Her relative asks for her: the same answer, in his words.
      await luca.send('/request');
      expect(luca.texts().slice(-4)[0]).toMatch(/^📋 Per Maria ci sono già tante richieste in corso/);
      expect(await requestsOf(maria)).toHaveLength(3);

      // Luca starts a request while there is room, Maria fills it meanwhile: his is refused at the end.
      await maria.press(/Annulla/);
      expect(count(maria, /^Richiesta annullata/)).toBe(1);
      await draftRequest(luca, { byCommand: true });
      await askForHelp(maria);
      await luca.press('No');
      expect(luca.texts().slice(-4)[0]).toMatch(/^📋 Per Maria ci sono già tante richieste in corso/);
      const after = await requestsOf(maria);
      expect(after.filter((r) => r.state === 'open')).toHaveLength(3);
      expect(after).toHaveLength(4);
    },
    slow,
  );
});

describe('night-time limits when a DynamoDB call fails (Telegram)', () => {
  let world: World;
  afterEach(async () => {
    world.faults.failAt(0);
    expect(world.refusedAfterFaults()).toEqual([]);
    await world.close();
  });

  it('a further urgent request at night: one request, mediator only, her reason once — whichever call fails, and when tapped twice', async () => {
    world = await World.start({ at: '2026-11-21T01:00:00Z', network: withCap(1000) });
    const giulia = await onboardMediator(world, 'Giulia', 'nord');
    const maria = await onboardElder(world, { address: 'Via dei Mille 5' });
    const anna = await onboardVolunteer(world, 'Anna', 'Mompiano', { approvedBy: giulia });
    await askUrgently(maria);
    expect(count(anna, urgentOffer)).toBe(1);
    world.clock.current = new Date('2026-11-21T01:10:00Z');
    const mariaId = (await world.personOf(maria))!.id;
    const counts = async () => {
      const items = (await world.scan()).filter((i) => i.entity === 'request' && i.elderId === mariaId);
      return {
        requests: items.length,
        mediatorOnly: items.filter((i) => i.mediatorOnly).length,
        // Retries take a little virtual time: the time is the committed run's.
        reasons: count(giulia, reason('02:1\\d')),
        passedOn: count(maria, passedOn),
        offers: count(anna, urgentOffer),
      };
    };
    /** Maria asks urgently, the last press delivered with call `n` failing; pressed twice when told. */
    const ask = async (n: number, twice = false) => {
      await draftRequest(maria);
      const { message, data } = maria.findButton('⚠️ Sì, è urgente');
      const press = () => world.api.userPresses(maria.tg, maria.chatId, message.message_id, data);
      // The second tap of a double tap left before the first one's answer removed the button.
      const again = () => world.api.userForgesPress(maria.tg, maria.chatId, message.message_id, data);
      const before = await counts();
      const got = await withFaultAt(world, n, press());
      if (twice) await withFaultAt(world, 0, again());
      const after = await counts();
      return {
        ...got,
        delta: {
          requests: after.requests - before.requests,
          mediatorOnly: after.mediatorOnly - before.mediatorOnly,
          reasons: after.reasons - before.reasons,
          passedOn: after.passedOn - before.passedOn,
          offers: after.offers - before.offers,
        },
      };
    };
    const one = { requests: 1, mediatorOnly: 1, reasons: 1, passedOn: 1, offers: 0 };
    const clean = await ask(0);
    expect(clean.delta).toEqual(one);
    // Every call of the turn, up to its commit.
    const committed = clean.names.lastIndexOf('TransactWriteItemsCommand') + 1;
    expect(committed).toBeGreaterThan(3);
    // The same press delivered twice (a double tap): still one of each.
    expect((await ask(0, true)).delta).toEqual(one);
    for (let n = 1; n <= committed; n++) {
      const got = await ask(n);
      expect(got.delta, `fault at call ${n} (tries ${got.tries})`).toEqual(one);
    }
  }, 900_000);
});
