/**
 * The outbox as deployed: an SQS queue for the outbox sender Lambda. A person's answers still
 * leave from the webhook that took their update (nobody waits behind the 09:00 wave in the queue
 * for the reply to their own tap); notices to anyone else go to the queue. When Telegram fails
 * the answer, it goes to the queue and arrives from there once; when the queue fails too, the
 * webhook answers 500 and Telegram's redelivery sends it.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { FaultKind } from '../support/fake-bot-api.js';
import { onboardElder, onboardMediator } from '../support/cast.js';
import { FakeQueue } from '../support/fake-sqs.js';
import { World } from '../support/world.js';
import { deliveryKey } from '../../bot/adapters/store/delivery-log.js';
import { personPk } from '../../bot/adapters/store/keys.js';
import { WhatsAppWorld } from '../support/channels.js';

let world: World;
let queue: FakeQueue;

afterEach(async () => {
  // The WhatsApp case closes its own world.
  if (!world) return;
  world.api.setFaults(undefined);
  await world.close();
  world = undefined as unknown as World;
});

async function start(at = '2026-11-21T07:00:00Z') {
  queue = new FakeQueue();
  world = await World.start({ at, queue });
  return world;
}

/** What the outbox sender Lambda does: receive, send; what a chat's pacing hands back shows again later. */
async function consumeQueue() {
  for (let i = 0; i < 5 && queue.waiting.length > 0; i++) {
    await queue.consume(world.runtime.sender.send);
    world.clock.advance(2000);
  }
}

/** Texts sent to a chat by successful sendMessage calls since `from`. */
const sentTo = (chatId: number, from: number) =>
  world.api.calls
    .slice(from)
    .filter((c) => c.ok && c.method === 'sendMessage' && c.params.chat_id === chatId)
    .map((c) => String(c.params.text));

describe('answers on AWS', () => {
  it('a person is answered from the webhook; the queue gets only what is for others', async () => {
    await start();
    const giulia = await onboardMediator(world, 'Giulia', 'nord');
    const maria = await onboardElder(world, { phone: 'skip', time: 'Alle 09:00' });
    // Every question of her onboarding reached her without the queue.
    expect(maria.lastText()).toMatch(/persona di famiglia/);
    expect(queue.messages().every((m) => m.answers === undefined)).toBe(true);
    const queuedBefore = queue.waiting.length;

    // The 09:00 question is a notice: it goes to the queue, and reaches her from there.
    const beforeTick = maria.texts().length;
    await world.tickAt('2026-11-21T08:00:00Z');
    expect(maria.texts().length).toBe(beforeTick);
    expect(queue.waiting.length).toBeGreaterThan(queuedBefore);
    await consumeQueue();
    expect(maria.lastText()).toMatch(/Buongiorno/);

    // Her "I'm fine": the press answered and the question edited from the webhook, nothing queued.
    const calls = queue.calls;
    const from = world.api.calls.length;
    await maria.press('😊 Sto bene');
    expect(queue.calls).toBe(calls);
    expect(world.api.calls.slice(from).map((c) => c.method)).toEqual([
      'answerCallbackQuery',
      'editMessageText',
    ]);
    expect(world.unansweredCallbacks()).toBe(0);
    expect(giulia.texts().length).toBeGreaterThan(0);
  }, 120_000);

  for (const kind of ['500', '429'] as FaultKind[]) {
    it(`Telegram answers ${kind} to every try of her greeting: it goes to the queue, and arrives once from there`, async () => {
      await start('2026-11-21T09:00:00Z');
      const maria = await onboardElder(world, { phone: 'skip' });
      const from = world.api.calls.length;
      world.api.setFaults({ rate: 1, kinds: [kind], methods: ['sendMessage'] });
      const update = world.api.userSends(maria.tg, '/start');
      expect((await world.deliver(update)).statusCode).toBe(200);
      expect(sentTo(maria.chatId, from)).toEqual([]);
      // Handed to the queue as it was, with its claim let go, not kept as undeliverable.
      const [greeting] = queue.messages();
      expect(queue.messages()).toHaveLength(1);
      expect(greeting?.answers).toBeDefined();
      // The commit's claim was this process's: the queue's sender claims for itself.
      expect(greeting).not.toHaveProperty('claimed');
      expect(await world.runtime.deliveryLog.get(greeting!.id)).toMatchObject({
        state: 'sending',
        leaseUntil: 0,
      });

      world.api.setFaults(undefined);
      await consumeQueue();
      const greeted = sentTo(maria.chatId, from);
      expect(greeted).toHaveLength(2);
      expect(queue.waiting).toHaveLength(0);
      // Telegram delivers the update again: nothing more.
      expect((await world.deliver(update)).statusCode).toBe(200);
      await consumeQueue();
      expect(sentTo(maria.chatId, from)).toEqual(greeted);
      expect(world.refusedAfterFaults()).toEqual([]);
    }, 120_000);
  }

  it('Telegram has its 200 once her answer is out; the delivery record and the settle are written after it', async () => {
    await start();
    const maria = await onboardElder(world, { phone: 'skip', time: 'Alle 09:00' });
    await world.tickAt('2026-11-21T08:00:00Z');
    await consumeQueue();
    const from = world.api.calls.length;
    world.faults.failAt(0);
    // The two writes after the answer ("sent", the settle) wait until released.
    const release = world.faults.hold('UpdateItemCommand');
    let atAnswer: { dynamo: string[]; botApi: string[]; holding: number } | undefined;
    world.onRespond = (response) => {
      expect(response.statusCode).toBe(200);
      atAnswer = {
        dynamo: world.faults.names.filter((n) => n !== 'UpdateItemCommand'),
        botApi: world.api.calls.slice(from).map((c) => c.method),
        holding: world.faults.holding,
      };
      release();
    };
    await maria.press('😊 Sto bene');
    world.onRespond = undefined;
    // On the way to the 200: one read, the commit, the press answered and the question edited.
    expect(atAnswer).toEqual({
      dynamo: ['BatchGetItemCommand', 'TransactWriteItemsCommand'],
      botApi: ['answerCallbackQuery', 'editMessageText'],
      holding: 2,
    });
    // Both were written before the webhook was done.
    expect(world.faults.names.filter((n) => n === 'UpdateItemCommand')).toHaveLength(2);
    // Her press's turn: its record settled (no messages kept), its edit recorded as sent.
    const person = (await world.personOf(maria))!;
    const turns = (await world.scan())
      .filter((i) => i.PK === personPk(person.id) && String(i.SK).startsWith('TURN#telegram#'))
      .sort((a, b) => Number(String(a.SK).split('#')[2]) - Number(String(b.SK).split('#')[2]));
    const press = turns.at(-1)!;
    expect(JSON.parse(String(press.record))).toMatchObject({ outbound: [] });
    const updateId = String(press.SK).split('#')[2]!;
    const items = await world.scan();
    const key = deliveryKey(`turn.telegram.${updateId}.0`);
    expect(items.find((i) => i.PK === key.PK)).toMatchObject({ state: 'sent', outcome: 'delivered' });
  }, 120_000);

  for (const failures of [1, 3]) {
    it(`the settle after the 200 fails ${failures === 1 ? 'once: tried again, settled' : 'every try: logged, not a reason for a redelivery'}; she is answered once`, async () => {
      await start('2026-11-21T09:00:00Z');
      const maria = await onboardElder(world, { phone: 'skip' });
      const from = world.api.calls.length;
      // The turn record's settle (dropping its messages once they are out) fails.
      const settle = (command: string, input: Record<string, unknown>) =>
        command === 'UpdateItemCommand' && input.UpdateExpression === 'SET #record = :record';
      world.faults.failOn(settle, 1, failures);
      const logged: string[] = [];
      const error = console.error;
      console.error = (line: string) => void logged.push(line);
      const update = world.api.userSends(maria.tg, '/start');
      let response;
      try {
        response = await world.deliver(update);
      } finally {
        console.error = error;
      }
      expect(world.faults.fired).toBe(true);
      expect(response.statusCode).toBe(200);
      expect(sentTo(maria.chatId, from)).toHaveLength(2);
      expect(queue.waiting).toHaveLength(0);
      const person = (await world.personOf(maria))!;
      const record = (await world.scan()).find(
        (i) => i.PK === personPk(person.id) && i.SK === `TURN#telegram#${update.update_id}`,
      )!;
      const outbound = (JSON.parse(String(record.record)) as { outbound: unknown[] }).outbound;
      if (failures === 1) {
        expect(outbound).toEqual([]);
        expect(logged).toEqual([]);
      } else {
        // Its content stays until the record's TTL: the log names the step, nobody.
        expect(outbound).toHaveLength(1);
        expect(logged.map((l) => JSON.parse(l) as unknown)).toEqual([
          { msg: 'after the answer: failed', what: 'settle turn', tries: 3, error: 'InternalServerError' },
        ]);
      }
    }, 120_000);
  }

  it('Telegram and the queue both fail: 500, the record kept, and the redelivery greets her once', async () => {
    await start('2026-11-21T09:00:00Z');
    const maria = await onboardElder(world, { phone: 'skip' });
    const from = world.api.calls.length;
    world.api.setFaults({ rate: 1, kinds: ['500'], methods: ['sendMessage'] });
    queue.refusing = true;
    const update = world.api.userSends(maria.tg, '/start');
    expect((await world.deliver(update)).statusCode).toBe(500);
    expect(sentTo(maria.chatId, from)).toEqual([]);

    world.api.setFaults(undefined);
    queue.refusing = false;
    expect((await world.deliver(update)).statusCode).toBe(200);
    expect(sentTo(maria.chatId, from)).toHaveLength(2);
    expect(queue.waiting).toHaveLength(0);
    expect((await world.deliver(update)).statusCode).toBe(200);
    expect(sentTo(maria.chatId, from)).toHaveLength(2);
  }, 120_000);

  it('a redelivery while another sender holds her greeting: the webhook leaves it to the queue', async () => {
    await start('2026-11-21T09:00:00Z');
    const maria = await onboardElder(world, { phone: 'skip' });
    const update = world.api.userSends(maria.tg, '/start');
    const id = `turn.telegram.${update.update_id}.0`;
    // The first delivery commits, and can neither send nor queue her greeting: 500.
    world.api.setFaults({ rate: 1, kinds: ['500'], methods: ['sendMessage'] });
    queue.refusing = true;
    expect((await world.deliver(update)).statusCode).toBe(500);
    world.api.setFaults(undefined);
    queue.refusing = false;
    // Someone else holds the greeting now (a process still sending it) when Telegram delivers again.
    await world.runtime.deliveryLog.claim(id, world.clock.now(), 60);
    const from = world.api.calls.length;
    expect((await world.deliver(update)).statusCode).toBe(200);
    expect(sentTo(maria.chatId, from)).toEqual([]);
    expect(queue.messages().map((m) => m.id)).toEqual([id]);
    // That sender died: once its claim runs out, the queue's sender greets her, once.
    world.clock.advance(61_000);
    await consumeQueue();
    expect(sentTo(maria.chatId, from)).toHaveLength(2);
  }, 120_000);

  it("a commit's claim that lapsed before the send is not trusted: the message is claimed as any other", async () => {
    await start('2026-11-21T09:00:00Z');
    const maria = await onboardElder(world, { phone: 'skip' });
    const person = (await world.personOf(maria))!;
    const now = world.clock.now().getTime();
    const message = (id: string, claimed: number) => ({
      id,
      to: maria.ref(),
      personId: person.id,
      lang: 'it',
      replies: [{ text: 'elder.fineThanks' }],
      claimed,
    });
    // Another sender took it over once the commit's claim ran out.
    await world.runtime.deliveryLog.claim('lapsed', world.clock.now(), 600);
    const from = world.api.calls.length;
    const result = await world.runtime.telegramSender.send([message('lapsed', now - 1)]);
    expect(result.retry).toEqual(['lapsed']);
    expect(sentTo(maria.chatId, from)).toEqual([]);
    // Within its lease the commit's claim is this process's own: no claim of its own, sent.
    const own = await world.runtime.telegramSender.send([message('own', now + 60_000)]);
    expect(own.sent).toEqual(['own']);
    expect(sentTo(maria.chatId, from)).toHaveLength(1);
  }, 120_000);

  it('on WhatsApp too: her answers leave from the webhook; when the Cloud API fails them, from the queue, once', async () => {
    queue = new FakeQueue();
    const wa = await WhatsAppWorld.start({ at: '2026-11-21T09:00:00Z', queue });
    try {
      const maria = await onboardElder(wa, { phone: 'this number' });
      expect(maria.lastText()).toMatch(/persona di famiglia/);
      expect(queue.messages().every((m) => m.answers === undefined)).toBe(true);

      const number = maria.ref().id;
      const before = maria.texts().length;
      // Both tries of the webhook fail ("something went wrong", a transient error), then the API is well again.
      wa.api.fail(number, { code: 131000, times: 2 });
      await maria.send('/start');
      expect(maria.texts().length).toBe(before);
      const queued = queue.messages().filter((m) => m.answers !== undefined);
      expect(queued.length).toBeGreaterThan(0);
      expect(queued.every((m) => m.to.id === number)).toBe(true);

      for (let i = 0; i < 5 && queue.waiting.length > 0; i++) {
        await queue.consume(wa.runtime.sender.send);
        wa.clock.advance(2000);
      }
      expect(queue.waiting).toHaveLength(0);
      const greeting = maria.texts().slice(before);
      expect(greeting.length).toBeGreaterThan(0);
      expect(new Set(greeting).size).toBe(greeting.length);
    } finally {
      await wa.close();
    }
  }, 120_000);
});
