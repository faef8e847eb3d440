/**
 * Bot API faults on the other representative turns: for each outgoing call of the turn (the
 * press answered, the replies, the notices to others), Telegram answers 500, or 429, or never
 * answers. The turn is committed once and the outbox sends again what failed: every person ends
 * with what a clean run leaves them (one reply sequence), and the effect happens once.
 */
import { afterEach, describe, expect, it } from 'vitest';
import {
  approveInStore,
  askForHelp,
  draftRequest,
  inviteRelative,
  joinAsRelative,
  linkRelative,
  onboardElder,
  onboardMediator,
  onboardVolunteer,
  startAsRelative,
  startAsVolunteer,
} from '../support/cast.js';
import { eachBotApiCallFails, watchChats, type TurnDelivery } from '../support/bot-api-faults.js';
import { deliverUntilAccepted } from '../support/faults.js';
import { ui } from '../support/labels.js';
import { World, type Person } from '../support/world.js';
import { loadNetworkFile } from '../../bot/config/network.js';

let world: World;

/** These tests ask again and again for one elder: the cap on her requests still going is lifted. */
const base = loadNetworkFile('network/brescia.json');
const roomy = { requests: { ...base.requests, maxOpenPerPerson: 1000 } };

afterEach(async () => {
  world.api.setFaults(undefined);
  await world.close();
});

const t = ui.it;

/** Maria, with her address and her phone typed, and no daily question. */
const elder = () => onboardElder(world, { address: 'Via dei Mille 5', phone: { type: '333 765 4321' } });

async function volunteer(name: string, hood: string): Promise<Person> {
  const v = await onboardVolunteer(world, name, hood, { tasks: ['⬜ Farmacia'] });
  await approveInStore(world, v);
  return v;
}

const idOf = async (p: Person) => (await world.personOf(p))!.id;

describe('a Bot API call of the turn fails', () => {
  it('request creation with wave 1: one request, one offer to each volunteer, one confirmation', async () => {
    world = await World.start({ at: '2026-11-21T09:00:00Z', network: roomy });
    const maria = await elder();
    const [anna, bruno, carla] = [
      await volunteer('Anna', 'Mompiano'),
      await volunteer('Bruno', 'Casazza'),
      await volunteer('Carla', 'Borgo Trento'),
    ];
    const mariaId = await idOf(maria);
    const requests = async () =>
      (await world.scan()).filter((i) => i.entity === 'request' && i.elderId === mariaId).length;
    const { clean } = await eachBotApiCallFails(world, async (turn) => {
      await draftRequest(maria, { note: 'La ricetta è sul tavolo' });
      const { message, data } = maria.findButton('No');
      const changes = watchChats({ maria, anna, bruno, carla });
      const before = await requests();
      await turn(world.api.userPresses(maria.tg, maria.chatId, message.message_id, data));
      return { chats: changes(), requests: (await requests()) - before };
    });
    expect(clean.requests).toBe(1);
    expect(clean.chats.maria.added).toEqual([expect.stringMatching(/^👍 Richiesta inviata/)]);
    for (const v of [clean.chats.anna, clean.chats.bruno, clean.chats.carla])
      expect(v).toEqual({ added: [expect.stringMatching(/^🙋 Richiesta di aiuto vicino a te/)], edited: [] });
  }, 900_000);

  it('"Not this time": the volunteer left out once, thanked once, nobody else offered', async () => {
    world = await World.start({ at: '2026-11-21T09:00:00Z', network: roomy });
    const maria = await elder();
    const [anna, bruno] = [await volunteer('Anna', 'Mompiano'), await volunteer('Bruno', 'Borgo Trento')];
    const annaId = await idOf(anna);
    const { clean } = await eachBotApiCallFails(world, async (turn) => {
      await askForHelp(maria);
      const { message, data } = anna.findButton('Non questa volta');
      const changes = watchChats({ maria, anna, bruno });
      await turn(world.api.userPresses(anna.tg, anna.chatId, message.message_id, data));
      const request = await world.runtime.deps.requests.getRequest(data.split(':')[2]!);
      return { chats: changes(), state: request?.state, excluded: request?.excluded };
    });
    expect(clean).toMatchObject({ state: 'open', excluded: [annaId] });
    expect(clean.chats.anna).toEqual({ added: [], edited: ['Va bene, grazie. Chiederò a qualcun altro.'] });
    expect(clean.chats.bruno).toEqual({ added: [], edited: [] });
  }, 600_000);

  it('"I need help" on the morning question: one alert, the relative and the mediator told once', async () => {
    world = await World.start({ at: '2026-11-20T10:00:00Z' });
    const giulia = await onboardMediator(world, 'Giulia', 'nord');
    const maria = await onboardElder(world, { phone: 'skip', time: 'Alle 09:00' });
    const luca = await linkRelative(world, maria);
    const mariaId = await idOf(maria);
    const alerts = async () =>
      (await world.scan()).filter(
        (i) => i.entity === 'alert' && i.kind === 'needsHelp' && i.personId === mariaId,
      ).length;
    let day = 0;
    /** The next morning's question, answered "I need help"; the mediator's card names the day before's answer. */
    const help = async (turn: TurnDelivery) => {
      day++;
      await world.tickAt(new Date(Date.UTC(2026, 10, 20 + day, 8, 0)).toISOString());
      const { message, data } = maria.findButton(/🆘/);
      const changes = watchChats({ maria, luca, giulia });
      const before = await alerts();
      await turn(world.api.userPresses(maria.tg, maria.chatId, message.message_id, data));
      const chats = JSON.parse(JSON.stringify(changes()).replace(/\d{1,2}\/\d{1,2}/g, 'DD/MM')) as ReturnType<
        typeof changes
      >;
      return { chats, alerts: (await alerts()) - before };
    };
    // A first day, so that every run's card has an answer before it to show.
    await help(async (update) => void (await deliverUntilAccepted(world, update)));
    const { clean } = await eachBotApiCallFails(world, help);
    expect(clean.alerts).toBe(1);
    expect(clean.chats.luca.added).toEqual([expect.stringMatching(/Maria ha chiesto aiuto/)]);
    expect(clean.chats.giulia.added).toEqual([expect.stringMatching(/Maria.*Ho bisogno di aiuto/s)]);
    expect(clean.chats.maria.added.length + clean.chats.maria.edited.length).toBeGreaterThanOrEqual(1);
  }, 900_000);

  it("a relative's consent through the elder's link: one request to confirm reaches the elder", async () => {
    world = await World.start({ at: '2026-11-21T09:00:00Z' });
    const maria = await elder();
    const { clean } = await eachBotApiCallFails(world, async (turn) => {
      const luca = await startAsRelative(world, await inviteRelative(maria));
      const { message, data } = luca.findButton(t.agree);
      const changes = watchChats({ maria, luca });
      await turn(world.api.userPresses(luca.tg, luca.chatId, message.message_id, data));
      const link = await world.store.getLink(await idOf(maria), await idOf(luca));
      return { chats: changes(), link: link?.status };
    });
    expect(clean.link).toBe('pending');
    expect(clean.chats.maria.added).toEqual([expect.stringMatching(/Luca/)]);
  }, 600_000);

  it('the elder confirms a relative: linked once, the relative told once', async () => {
    world = await World.start({ at: '2026-11-21T09:00:00Z' });
    const maria = await elder();
    const { clean } = await eachBotApiCallFails(world, async (turn) => {
      const luca = await joinAsRelative(world, await inviteRelative(maria));
      const { message, data } = maria.findButton(t.confirmLink);
      const changes = watchChats({ maria, luca });
      await turn(world.api.userPresses(maria.tg, maria.chatId, message.message_id, data));
      const link = await world.store.getLink(await idOf(maria), await idOf(luca));
      return { chats: changes(), link: link?.status };
    });
    expect(clean.link).toBe('confirmed');
    expect(clean.chats.luca.added).toEqual([
      expect.stringMatching(/^✅ Maria ha confermato il collegamento/),
    ]);
  }, 600_000);

  it('a volunteer approved by the mediator: approved once, told once', async () => {
    world = await World.start({ at: '2026-11-21T09:00:00Z' });
    const giulia = await onboardMediator(world, 'Giulia', 'nord');
    const { clean } = await eachBotApiCallFails(world, async (turn) => {
      const vol = await onboardVolunteer(world, 'Vera', 'Mompiano');
      const { message, data } = giulia.findButton(t.approve);
      const changes = watchChats({ giulia, vol });
      await turn(world.api.userPresses(giulia.tg, giulia.chatId, message.message_id, data));
      return { chats: changes(), status: (await world.personOf(vol))?.volunteer?.status };
    });
    expect(clean.status).toBe('approved');
    expect(clean.chats.vol.added).toEqual([
      expect.stringMatching(/^🎉 La tua iscrizione è stata approvata!/),
      ...clean.chats.vol.added.slice(1),
    ]);
  }, 600_000);

  it("a volunteer's consent, the last step of onboarding: onboarded once, one review card for the mediator", async () => {
    world = await World.start({ at: '2026-11-21T09:00:00Z' });
    const giulia = await onboardMediator(world, 'Giulia', 'nord');
    const { clean } = await eachBotApiCallFails(world, async (turn) => {
      const vol = await startAsVolunteer(world, 'Vera', 'Mompiano');
      const { message, data } = vol.findButton(t.agree);
      const changes = watchChats({ giulia, vol });
      await turn(world.api.userPresses(vol.tg, vol.chatId, message.message_id, data));
      const stored = await world.personOf(vol);
      return { chats: changes(), status: stored?.volunteer?.status, onboarded: !!stored?.onboardedAt };
    });
    expect(clean).toMatchObject({ status: 'pending', onboarded: true });
    expect(clean.chats.giulia.added).toEqual([expect.stringMatching(/Vera/)]);
    expect(clean.chats.vol.added.some((x) => x.startsWith('Grazie, Vera!'))).toBe(true);
  }, 600_000);
});
