/**
 * What the webhook benchmark's three updates cost, counted (never timed): the DynamoDB and Bot
 * API calls from the update to the webhook's answer, for `/start` of a known elder, "I'm fine"
 * and an address typed mid-flow; and the press's answer, asked first, not waited for before
 * the replies go out.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { onboardElder } from '../support/cast.js';
import { World } from '../support/world.js';

let world: World;

afterEach(async () => {
  world.faults.failAt(0);
  await world.close();
});

/** The DynamoDB calls since `failAt(0)`, per command. */
function dynamoCalls(): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const name of world.faults.names) counts[name] = (counts[name] ?? 0) + 1;
  return counts;
}

/** The Bot API methods called since `from`. */
const botApiCalls = (from: number) =>
  world.api.calls
    .slice(from)
    .map((c) => c.method)
    .filter((m) => m !== 'getUpdates');

describe('the calls of a turn', () => {
  it('/start of a known elder: one read, the commit (her greeting claimed in it), the settle, the log after each part', async () => {
    world = await World.start({ at: '2026-11-21T09:00:00Z' });
    const maria = await onboardElder(world, { phone: 'skip' });
    const from = world.api.calls.length;
    world.faults.failAt(0);
    await maria.send('/start');
    expect(botApiCalls(from)).toEqual(['sendMessage', 'sendMessage']);
    // The record settled; the greeting, claimed in the commit, has its first part recorded, then is marked sent.
    expect(dynamoCalls()).toEqual({
      BatchGetItemCommand: 1,
      TransactWriteItemsCommand: 1,
      UpdateItemCommand: 3,
    });
  }, 120_000);

  it('"I\'m fine": one read, the commit (the edit claimed in it), the settle and the mark after the edit', async () => {
    world = await World.start({ at: '2026-11-21T07:00:00Z' });
    const maria = await onboardElder(world, { phone: 'skip', time: 'Alle 09:00' });
    await world.tickAt('2026-11-21T08:00:00Z');
    const from = world.api.calls.length;
    world.faults.failAt(0);
    await maria.press('😊 Sto bene');
    expect(botApiCalls(from)).toEqual(['answerCallbackQuery', 'editMessageText']);
    expect(dynamoCalls()).toEqual({
      BatchGetItemCommand: 1,
      TransactWriteItemsCommand: 1,
      UpdateItemCommand: 2,
    });
  }, 120_000);

  it('an address typed mid-flow: the address written in the commit, no check-in timer moved, one reply', async () => {
    world = await World.start({ at: '2026-11-21T07:00:00Z' });
    const maria = await onboardElder(world, {
      address: 'Via dei Mille 5',
      phone: { type: '333 765 4321' },
      time: 'Alle 09:00',
    });
    // As in the benchmark: today's question came and was answered (so her check-ins are read with her).
    await world.tickAt('2026-11-21T08:00:00Z');
    await maria.press('😊 Sto bene');
    const id = (await world.personOf(maria))!.id;
    // Her prompt's timer (the day's rungs have timers of their own, in no set order in a scan).
    const timer = async () => (await world.scan()).find((i) => i.PK === `TMR#prompt.${id}`);
    const prompt = await timer();
    expect(prompt).toMatchObject({ due: '2026-11-22T08:00:00.000Z' });
    await maria.send('/profile');
    await maria.press('Cambia indirizzo');
    const from = world.api.calls.length;
    world.faults.failAt(0);
    await maria.send('Via Roma 1');
    expect(maria.lastText()).toBe('Fatto, ho salvato. ✅');
    expect(botApiCalls(from)).toEqual(['sendMessage']);
    // Read, the commit (the address in it, no read of the private details first; the reply claimed in it), the settle, the mark.
    expect(dynamoCalls()).toEqual({
      BatchGetItemCommand: 1,
      TransactWriteItemsCommand: 1,
      UpdateItemCommand: 2,
    });
    expect(await world.store.getPrivate(id)).toEqual({ address: 'Via Roma 1', phone: '+393337654321' });
    expect(await timer()).toEqual(prompt);
  }, 120_000);

  it('a new check-in time still moves the next prompt', async () => {
    world = await World.start({ at: '2026-11-21T07:00:00Z' });
    const maria = await onboardElder(world, { phone: 'skip', time: 'Alle 09:00' });
    const id = (await world.personOf(maria))!.id;
    const due = async () =>
      (await world.scan()).find((i) => i.entity === 'timer' && String(i.PK).includes(id))?.due;
    expect(await due()).toBe('2026-11-21T08:00:00.000Z');
    await maria.send('/profile');
    await maria.press('Cambia ora della domanda');
    await maria.press('Alle 10:00');
    expect(maria.lastText()).toBe('Fatto, ho salvato. ✅');
    expect(await due()).toBe('2026-11-21T09:00:00.000Z');
  }, 120_000);

  it('a press is answered first, and its replies go out without waiting for that answer', async () => {
    world = await World.start({ at: '2026-11-21T07:00:00Z', autoDrain: true });
    const maria = await onboardElder(world, { phone: 'skip', time: 'Alle 09:00' });
    await world.tickAt('2026-11-21T08:00:00Z');
    // The answer to the press is held until the edit has been asked for (or 20 s have passed): a
    // turn that waited for its answer before sending would ask for the edit only after it.
    const order: string[] = [];
    let editAsked = () => {};
    const edit = new Promise<void>((resolve) => (editAsked = resolve));
    world.runtime.bot.api.config.use(async (prev, method, payload, signal) => {
      order.push(`${method} asked`);
      if (method === 'editMessageText') editAsked();
      if (method === 'answerCallbackQuery')
        await Promise.race([edit, new Promise((resolve) => setTimeout(resolve, 20_000))]);
      const result = await prev(method, payload, signal);
      order.push(`${method} done`);
      return result;
    });
    await maria.press('😊 Sto bene');
    expect(order.slice(0, 2)).toEqual(['answerCallbackQuery asked', 'editMessageText asked']);
    expect(order).toHaveLength(4);
    expect(world.api.callsTo('editMessageText').at(-1)?.ok).toBe(true);
  }, 120_000);
});
