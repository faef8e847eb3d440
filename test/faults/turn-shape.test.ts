/**
 * The shape of a turn: one read before deciding (the chat was read before in this process; two
 * for a chat it has not seen), one transaction to commit; the same press many times at once
 * makes one effect.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { approveInStore, askForHelp, draftRequest, onboardElder, onboardVolunteer } from '../support/cast.js';
import { World } from '../support/world.js';

let world: World;

afterEach(async () => {
  world.faults.failAt(0);
  await world.close();
});

/** The DynamoDB calls since `failAt(0)`: one read, then the one transaction, and no other transaction. */
function expectOneReadOneCommit(): void {
  const names = world.faults.names;
  const commit = names.indexOf('TransactWriteItemsCommand');
  expect(names.slice(0, commit + 1)).toEqual(['BatchGetItemCommand', 'TransactWriteItemsCommand']);
  expect(names.filter((n) => n === 'TransactWriteItemsCommand')).toHaveLength(1);
}

/** Maria, with her address and her phone typed, and no daily question. */
const elder = () => onboardElder(world, { address: 'Via dei Mille 5', phone: { type: '333 765 4321' } });

describe('one turn, one commit', () => {
  it('/start of a known person: one read, then one transaction, before any delivery', async () => {
    world = await World.start({ at: '2026-11-21T09:00:00Z' });
    const maria = await elder();
    world.faults.failAt(0);
    await maria.send('/start');
    expectOneReadOneCommit();
  }, 120_000);

  it('/start of a known person: one greeting with its menu (an elder: two messages, one keyboard each)', async () => {
    world = await World.start({ at: '2026-11-21T09:00:00Z' });
    const maria = await elder();
    const from = world.api.calls.length;
    await maria.send('/start');
    const sent = world.api.calls.slice(from).filter((c) => c.method !== 'getUpdates');
    expect(sent.map((c) => c.method)).toEqual(['sendMessage', 'sendMessage']);
    expect(sent[0]!.params.text).toMatch(/^Che piacere rivederti, Maria!\n\nQuando vuoi, tocca/);
    expect(sent[0]!.params.reply_markup).toHaveProperty('keyboard');
    expect(sent[1]!.params.reply_markup).toHaveProperty('inline_keyboard');
  }, 120_000);

  it('"I\'m fine" on the morning question: two Bot API calls, one read and one commit before them', async () => {
    world = await World.start({ at: '2026-11-21T07:00:00Z' });
    const maria = await onboardElder(world, { phone: 'skip', time: 'Alle 09:00' });
    await world.tickAt('2026-11-21T08:00:00Z');
    const from = world.api.calls.length;
    world.faults.failAt(0);
    await maria.press('😊 Sto bene');
    expect(world.api.calls.slice(from).map((c) => c.method)).toEqual([
      'answerCallbackQuery',
      'editMessageText',
    ]);
    // Today's check-in comes with the person; closing it and counting the answer are part of the commit.
    expectOneReadOneCommit();
    const items = await world.scan();
    const mariaId = (await world.personOf(maria))!.id;
    expect(items.find((i) => i.entity === 'checkIn' && i.elderId === mariaId)).toMatchObject({
      state: 'fine',
      answeredBy: mariaId,
    });
    const week = items.find((i) => i.entity === 'figures' && String(i.PK) === 'FIG#*' && i.SK !== 'PEOPLE');
    expect(week).toMatchObject({ n_answered: 1, n_onTime: 1 });
  }, 120_000);

  it('"I\'m fine" pressed 5 times at once: the check-in closed and counted once, every press answered', async () => {
    world = await World.start({ at: '2026-11-21T07:00:00Z' });
    const maria = await onboardElder(world, { phone: 'skip', time: 'Alle 09:00' });
    await world.tickAt('2026-11-21T08:00:00Z');
    const { message, data } = maria.findButton('😊 Sto bene');
    const updates = Array.from({ length: 5 }, () =>
      world.api.userPresses(maria.tg, maria.chatId, message.message_id, data),
    );
    const answeredBefore = world.api.callsTo('answerCallbackQuery').filter((c) => c.ok).length;
    const answers = await Promise.all(updates.map((u) => world.deliver(u)));
    expect(answers.map((a) => a.statusCode)).toEqual(updates.map(() => 200));
    const items = await world.scan();
    const week = items.find((i) => i.entity === 'figures' && String(i.PK) === 'FIG#*' && i.SK !== 'PEOPLE');
    expect(week).toMatchObject({ n_answered: 1 });
    expect(items.find((i) => i.entity === 'checkIn')).toMatchObject({ state: 'fine' });
    expect(world.api.callsTo('answerCallbackQuery').filter((c) => c.ok)).toHaveLength(answeredBefore + 5);
  }, 120_000);

  it('Accept on an offer: the request and its elder read with the turn, then one transaction', async () => {
    world = await World.start({ at: '2026-11-21T09:00:00Z' });
    const maria = await elder();
    const anna = await onboardVolunteer(world, 'Anna', 'Mompiano', { tasks: ['⬜ Farmacia'] });
    await approveInStore(world, anna);
    await askForHelp(maria);
    const from = world.api.calls.length;
    world.faults.failAt(0);
    await anna.press('✅ Ci vado io');
    // The request (named in the button) with the identity and her own items, then the elder and her
    // details; the accept, its figures and the volunteer's recent tasks are part of the commit.
    const names = world.faults.names;
    expect(names.slice(0, names.indexOf('TransactWriteItemsCommand') + 1)).toEqual([
      'BatchGetItemCommand',
      'BatchGetItemCommand',
      'TransactWriteItemsCommand',
    ]);
    expect(names.filter((n) => n === 'TransactWriteItemsCommand')).toHaveLength(1);
    expect(anna.lastText()).toMatch(/Per: Maria/);
    expect(maria.lastText()).toMatch(/Anna verrà/);
    expect(world.api.calls.slice(from).map((c) => c.method)).toContain('answerCallbackQuery');
    const annaId = (await world.personOf(anna))!.id;
    const items = await world.scan();
    expect(items.find((i) => i.entity === 'request')).toMatchObject({
      state: 'assigned',
      assignedTo: annaId,
    });
    expect((await world.personOf(anna))!.volunteer?.recentTasks).toHaveLength(1);
    const week = items.find((i) => i.entity === 'figures' && String(i.PK) === 'FIG#*' && i.SK !== 'PEOPLE');
    expect(week).toMatchObject({ n_assigned: 1 });
  }, 120_000);

  it('a press is answered (the spinner stops) once the turn is committed, its answer asked before its replies go out', async () => {
    world = await World.start({ at: '2026-11-21T07:00:00Z' });
    const maria = await onboardElder(world, { phone: 'skip', time: 'Alle 09:00' });
    await world.tickAt('2026-11-21T08:00:00Z');
    const from = world.api.calls.length;
    // Every Bot API call as it is asked, and how many presses were asked to be answered when the
    // turn handed its messages to the outbox.
    const asked: string[] = [];
    world.runtime.bot.api.config.use((prev, method, payload, signal) => {
      asked.push(method);
      return prev(method, payload, signal);
    });
    const answersAtEnqueue: number[] = [];
    const outbox = world.runtime.deps.outbox;
    const enqueue = outbox.enqueue.bind(outbox);
    outbox.enqueue = (messages) => {
      answersAtEnqueue.push(asked.filter((m) => m === 'answerCallbackQuery').length);
      return enqueue(messages);
    };
    await maria.press('😊 Sto bene');
    expect(asked).toEqual(['answerCallbackQuery', 'editMessageText']);
    expect(answersAtEnqueue).toEqual([1]);
    const methods = world.api.calls.slice(from).map((c) => c.method);
    expect(methods.indexOf('answerCallbackQuery')).toBeLessThan(methods.indexOf('editMessageText'));
  }, 120_000);

  it('the same update delivered twice: decided once, its replies sent once', async () => {
    world = await World.start({ at: '2026-11-21T09:00:00Z' });
    const maria = await elder();
    const update = world.api.userSends(maria.tg, '/start');
    const before = maria.texts().length;
    expect((await world.deliver(update)).statusCode).toBe(200);
    const after = maria.texts().length;
    expect(after).toBeGreaterThan(before);
    world.faults.failAt(0);
    expect((await world.deliver(update)).statusCode).toBe(200);
    // Replayed from the turn record: no transaction, and the delivery log drops the repeats.
    expect(world.faults.names).not.toContain('TransactWriteItemsCommand');
    expect(maria.texts().length).toBe(after);
  }, 120_000);

  for (const presses of [2, 5, 20]) {
    it(`Accept pressed ${presses} times at once: assigned once, one card, the elder told once, every press answered`, async () => {
      world = await World.start({ at: '2026-11-21T09:00:00Z' });
      const maria = await elder();
      const anna = await onboardVolunteer(world, 'Anna', 'Mompiano', { tasks: ['⬜ Farmacia'] });
      await approveInStore(world, anna);
      await askForHelp(maria);
      const { message, data } = anna.findButton('✅ Ci vado io');
      const updates = Array.from({ length: presses }, () =>
        world.api.userPresses(anna.tg, anna.chatId, message.message_id, data),
      );
      const before = { anna: anna.texts().length, maria: maria.texts().length };
      const answered = world.api.callsTo('answerCallbackQuery').filter((c) => c.ok).length;
      const answers = await Promise.all(updates.map((u) => world.deliver(u)));
      expect(answers.map((a) => a.statusCode)).toEqual(updates.map(() => 200));
      expect(
        anna
          .texts()
          .slice(before.anna)
          .filter((t) => /Per: Maria/.test(t)),
      ).toHaveLength(1);
      expect(
        maria
          .texts()
          .slice(before.maria)
          .filter((t) => /Anna verrà/.test(t)),
      ).toHaveLength(1);
      expect(world.api.callsTo('answerCallbackQuery').filter((c) => c.ok)).toHaveLength(answered + presses);
      const items = await world.scan();
      const week = items.find((i) => i.entity === 'figures' && String(i.PK) === 'FIG#*' && i.SK !== 'PEOPLE');
      expect(week).toMatchObject({ n_assigned: 1 });
      expect((await world.personOf(anna))!.volunteer?.recentTasks).toHaveLength(1);
      expect(world.refusedCalls()).toEqual([]);
    }, 180_000);
  }

  for (const presses of [2, 5, 20]) {
    it(`${presses} presses of the last request question at once: one request, every presser answered`, async () => {
      world = await World.start({ at: '2026-11-21T09:00:00Z' });
      const maria = await elder();
      await draftRequest(maria, { note: 'La ricetta è sul tavolo' });
      const { message, data } = maria.findButton('No');
      const updates = Array.from({ length: presses }, () =>
        world.api.userPresses(maria.tg, maria.chatId, message.message_id, data),
      );
      const before = maria.texts().length;
      const answers = await Promise.all(updates.map((u) => world.deliver(u)));
      expect(answers.map((a) => a.statusCode)).toEqual(updates.map(() => 200));
      const mariaId = (await world.personOf(maria))!.id;
      const requests = (await world.scan()).filter((i) => i.entity === 'request' && i.elderId === mariaId);
      expect(requests).toHaveLength(1);
      const texts = maria.texts().slice(before);
      expect(texts.filter((t) => t.startsWith('👍 Richiesta inviata'))).toHaveLength(1);
      // The others were told the button is old (after a re-run from fresh reads), not an error:
      // on Telegram that is a toast on their press, nothing in the chat.
      const toasts = world.api
        .callsTo('answerCallbackQuery')
        .filter((c) => c.ok && typeof c.params.text === 'string' && c.params.text.length > 0);
      expect(texts.length + toasts.length).toBeGreaterThanOrEqual(presses);
      expect(world.refusedCalls()).toEqual([]);
    }, 180_000);
  }
});
