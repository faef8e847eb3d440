/**
 * Bot API faults on a turn's own replies: for each outgoing call of a known
 * elder's /start, of her "I'm fine" on the morning question, and of a
 * volunteer's accept (bot-api-faults-more.test.ts: the other turns), Telegram
 * answers 500, or 429, or never answers. The turn is committed once; the
 * outbox sends again what failed. She ends with exactly one copy of each
 * reply, in order.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { FaultKind } from '../support/fake-bot-api.js';
import { approveInStore, askForHelp, onboardElder, onboardVolunteer } from '../support/cast.js';
import { loadNetworkFile } from '../../bot/config/network.js';
import { deliverUntilAccepted } from '../support/faults.js';
import { eachBotApiCallFails, watchChats } from '../support/bot-api-faults.js';
import { World } from '../support/world.js';

let world: World;

afterEach(async () => {
  world.api.setFaults(undefined);
  await world.close();
});

describe('a Bot API call of the turn fails', () => {
  it('500, 429 or no answer at each sendMessage of /start: each reply once, in order', async () => {
    world = await World.start({ at: '2026-11-21T09:00:00Z' });
    const maria = await onboardElder(world);
    /** /start once; the new texts in her chat, after the outbox sent what it could. */
    const start = async () => {
      const before = maria.texts().length;
      const answer = await world.deliver(world.api.userSends(maria.tg, '/start'));
      expect(answer.statusCode).toBe(200);
      for (let i = 0; i < 5 && world.runtime.outbox.pending > 0; i++) await world.runtime.outbox.drain();
      return maria.texts().slice(before);
    };
    const clean = await start();
    expect(clean.length).toBeGreaterThanOrEqual(2);
    for (const kind of ['500', '429', 'timeout'] as FaultKind[]) {
      for (let n = 1; n <= clean.length; n++) {
        const faulted = () => world.api.calls.filter((c) => c.fault === kind).length;
        const before = faulted();
        world.api.setFaults({ rate: 0, kinds: [kind], methods: ['sendMessage'], nth: n, timeoutMs: 50 });
        expect(await start(), `${kind} at sendMessage ${n}`).toEqual(clean);
        // The fault did happen, once.
        expect(faulted() - before, `${kind} at sendMessage ${n}`).toBe(1);
      }
    }
    expect(world.refusedCalls()).toEqual([]);
  }, 300_000);

  it('500, 429 or no answer at each call of "I\'m fine" (the press answered, the question edited): answered once, the question shows it', async () => {
    world = await World.start({ at: '2026-11-20T10:00:00Z' });
    const maria = await onboardElder(world, { time: 'Alle 09:00' });
    let day = 0;
    /** The next morning's question, answered "I'm fine": the question as it ends, and any new message. */
    const fine = async () => {
      day++;
      await world.tickAt(new Date(Date.UTC(2026, 10, 20 + day, 8, 0)).toISOString());
      const { message, data } = maria.findButton('😊 Sto bene');
      const before = maria.messages().length;
      const tries = await deliverUntilAccepted(
        world,
        world.api.userPresses(maria.tg, maria.chatId, message.message_id, data),
      );
      for (let i = 0; i < 5 && world.runtime.outbox.pending > 0; i++) await world.runtime.outbox.drain();
      const question = maria.messages().find((m) => m.message_id === message.message_id);
      return { tries, question: question?.text, added: maria.messages().length - before };
    };
    const clean = await fine();
    expect(clean.question).toMatch(/👉 😊 Sto bene\n\nChe bello, grazie!/);
    expect(clean.added).toBe(0);
    for (const kind of ['500', '429', 'timeout'] as FaultKind[]) {
      for (const method of ['answerCallbackQuery', 'editMessageText']) {
        const at = `${kind} at ${method}`;
        const faulted = () => world.api.calls.filter((c) => c.fault === kind).length;
        const before = faulted();
        world.api.setFaults({ rate: 0, kinds: [kind], methods: [method], nth: 1, timeoutMs: 50 });
        const got = await fine();
        world.api.setFaults(undefined);
        expect(got.question, at).toBe(clean.question);
        expect(got.added, at).toBe(0);
        // A failed answer to the press is not a failed turn: nothing for Telegram to retry.
        expect(got.tries, at).toBe(1);
        expect(faulted() - before, at).toBe(1);
      }
    }
    expect(world.refusedAfterFaults()).toEqual([]);
  }, 300_000);

  it('500, 429 or no answer at each call of an accept: the volunteer, the elder and the other volunteer each see it once', async () => {
    const base = loadNetworkFile('network/brescia.json');
    world = await World.start({
      at: '2026-11-21T09:00:00Z',
      network: { requests: { ...base.requests, maxOpenPerPerson: 1000 } },
    });
    const maria = await onboardElder(world, { address: 'Via dei Mille 5', phone: { type: '333 765 4321' } });
    const [anna, bruno] = [
      await onboardVolunteer(world, 'Anna', 'Mompiano', { tasks: ['⬜ Farmacia'] }),
      await onboardVolunteer(world, 'Bruno', 'Mompiano', { tasks: ['⬜ Farmacia'] }),
    ];
    for (const v of [anna, bruno]) await approveInStore(world, v);
    const annaId = (await world.personOf(anna))!.id;
    /** Maria asks; Anna accepts: what each of the three sees, and whose the request is. */
    const { clean, methods } = await eachBotApiCallFails(world, async (turn) => {
      await askForHelp(maria);
      const { message, data } = anna.findButton('✅ Ci vado io');
      const changes = watchChats({ anna, maria, bruno });
      await turn(world.api.userPresses(anna.tg, anna.chatId, message.message_id, data));
      const request = await world.runtime.deps.requests.getRequest(data.split(':')[2]!);
      return { chats: changes(), assignedTo: request?.assignedTo === annaId };
    });
    // Anna: her offer edited, the card; Maria: who is coming; Bruno: his offer edited "already taken".
    expect(clean.chats.anna.added).toHaveLength(1);
    expect(clean.chats.anna.edited).toHaveLength(1);
    expect(clean.chats.maria.added).toEqual([expect.stringMatching(/Anna verrà/)]);
    expect(clean.chats.bruno).toEqual({ added: [], edited: [expect.stringMatching(/già presa/)] });
    expect(clean.assignedTo).toBe(true);
    expect(methods.length).toBeGreaterThanOrEqual(4);
  }, 600_000);
});
