import { Api } from 'grammy';
import type { InlineKeyboardMarkup } from 'grammy/types';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { TelegramSender } from '../../bot/adapters/channels/telegram/sender.js';
import { DynamoDeliveryLog } from '../../bot/adapters/store/delivery-log.js';
import type { DeliveryEvents, OutboundMessage } from '../../bot/core/outbound.js';
import type { Reply } from '../../bot/flows/types.js';
import { FifoQueueModel } from '../../bench/support/fifo-queue.js';
import { testTable } from '../support/dynamo.js';
import { startFakeBotApi, type FakeBotApi } from '../support/fake-bot-api.js';
import { VirtualTime } from '../support/virtual-time.js';

const botUsername = 'vicini_test_bot';
const t0 = Date.parse('2026-11-21T09:00:00Z');

let fake: FakeBotApi;
let log: DynamoDeliveryLog;
let run = 0;

beforeAll(async () => {
  fake = await startFakeBotApi({ botUsername });
  const { doc, tableName } = await testTable();
  log = new DynamoDeliveryLog(doc, tableName);
});
afterAll(async () => fake.close());
beforeEach(() => {
  fake.reset();
  run++;
});

/** A sender on virtual time; each Bot API call is stamped with its chat and virtual time (ms from t0). */
function harness() {
  const clock = new VirtualTime(t0);
  const api = new Api(fake.token, { apiRoot: fake.apiRoot });
  const stamps: { chat: number; at: number }[] = [];
  const delivered: [string, string][] = [];
  api.config.use((prev, method, payload, signal) => {
    stamps.push({ chat: (payload as { chat_id: number }).chat_id, at: clock.time.now() - t0 });
    return prev(method, payload, signal);
  });
  const events: DeliveryEvents = {
    unreachable: async () => undefined,
    undeliverable: async () => undefined,
    delivered: async (m, ref) => void delivered.push([m.id, ref]),
  };
  const sender = new TelegramSender({
    api,
    log,
    events,
    botUsername: () => botUsername,
    time: clock.time,
    logLine: () => undefined,
  });
  const queue = new FifoQueueModel(clock.time);
  const consume = () => queue.consume((m) => sender.send(m, { holdMs: 0 }));
  return { clock, stamps, delivered, sender, queue, consume };
}

/** One message to `chat`, the n-th of its kind; a plain notice unless `extra` adds to its reply. */
function message(chat: number, n: number, extra: Partial<Reply> & { track?: boolean } = {}): OutboundMessage {
  const { track, ...reply } = extra;
  return {
    id: `r${run}:ob:${chat}:${n}`,
    to: { channel: 'telegram', id: String(chat) },
    personId: `p${chat}`,
    lang: 'en',
    replies: [{ text: 'start.welcomeBack', params: { name: `n${n}` }, ...reply }],
    ...(track ? { track: { alertId: `a${n}`, round: 0 } } : {}),
  };
}

/** An alert card's shape: buttons, tracked so every copy can be edited. Never part of a digest. */
const card = { buttons: [[{ label: 'buttons.skip', data: 'a:x' }]], track: true };

/** An alert card as the use cases give it: tracked, live, and with its line should it go in a digest. */
function alertCard(chat: number, n: number): OutboundMessage {
  return {
    ...message(chat, n, card),
    live: { kind: 'alertCard', alertId: `a${n}` },
    digestLine: {
      text: { t: 'start.welcomeBack', params: { name: `n${n}` } },
      open: { label: 'buttons.openAlert', params: { name: `n${n}` }, data: `a:ao:a${n}` },
    },
  };
}

/** The largest number of calls inside any rolling second. */
function busiestSecond(times: number[]): number {
  const sorted = [...times].sort((a, b) => a - b);
  let best = 0;
  for (let i = 0, j = 0; j < sorted.length; j++) {
    while (sorted[j]! - sorted[i]! >= 1000) i++;
    best = Math.max(best, j - i + 1);
  }
  return best;
}

describe('the outbox with one chat’s backlog (SQS FIFO model, virtual time)', () => {
  // DynamoDB Local does two writes a message: on a busy machine these take a while in real time.
  it(
    'sends every other chat at the full rate while one chat works through 60 alert cards',
    { timeout: 120_000 },
    async () => {
      const h = harness();
      const backlog = Array.from({ length: 60 }, (_, n) => message(500, n, card));
      const others = Array.from({ length: 100 }, (_, n) => message(600 + n, 0));
      // The backlog was queued first: FIFO batches hand its group out first.
      h.queue.enqueue([...backlog, ...others]);
      await h.consume();

      const otherTimes = h.stamps.filter((s) => s.chat !== 500).map((s) => s.at);
      for (const m of others) expect(fake.messages(Number(m.to.id))).toHaveLength(1);
      // 100 sends at 28/s need slots at 0, 1, 2 and 3 s; the backlog's pacing holds none of them up.
      expect(Math.max(...otherTimes)).toBeLessThanOrEqual(3000);
      expect(busiestSecond(h.stamps.map((s) => s.at))).toBeLessThanOrEqual(28);

      // The backlog: each card once, in order, a burst of 3 then one per 1.05 s at most.
      expect(fake.messages(500).map((m) => m.text)).toEqual(
        backlog.map((_, n) => `Lovely to see you again, n${n}!`),
      );
      const mine = h.stamps.filter((s) => s.chat === 500).map((s) => s.at);
      for (let i = 3; i < mine.length; i++) expect(mine[i]! - mine[i - 3]!).toBeGreaterThanOrEqual(3 * 1050);
      // Every card reported where it landed, so each stays editable.
      expect(h.delivered.map(([id]) => id)).toEqual(backlog.map((m) => m.id));
      // Handed back a burst at a time: no record comes near the DLQ's 20 receives.
      expect(Math.max(...h.queue.receives.values())).toBeLessThanOrEqual(5);
    },
  );

  it(
    'never lets more than 28 sends into any rolling second, however the chats are mixed',
    { timeout: 120_000 },
    async () => {
      const h = harness();
      const mixed = Array.from({ length: 150 }, (_, n) => message(700 + (n % 40), n, card));
      h.queue.enqueue(mixed);
      await h.consume();
      for (let chat = 700; chat < 740; chat++) {
        const texts = fake.messages(chat).map((m) => m.text);
        expect(texts).toEqual(
          mixed
            .filter((m) => m.to.id === String(chat))
            .map((m) => `Lovely to see you again, ${m.replies[0]!.params!.name as string}!`),
        );
      }
      expect(busiestSecond(h.stamps.map((s) => s.at))).toBeLessThanOrEqual(28);
    },
  );
});

describe('a backlog to one person becomes a digest', () => {
  it('sends 25 notices waiting for one chat as three digests, each notice once, in order', async () => {
    const h = harness();
    const notices = Array.from({ length: 25 }, (_, n) => message(800, n));
    h.queue.enqueue(notices);
    await h.consume();
    const texts = fake.messages(800).map((m) => m.text ?? '');
    expect(texts).toHaveLength(3); // 10 + 10 + 5: a digest holds at most 10
    expect(texts[0]).toMatch(
      /^Here are your latest notices, all in one:\n\n• Lovely to see you again, n0!\n/,
    );
    const lines = texts.flatMap((t) => t.split('\n').filter((l) => l.startsWith('• ')));
    expect(lines).toEqual(notices.map((_, n) => `• Lovely to see you again, n${n}!`));
    // Each notice is sent in the delivery log: handing them to the sender again sends nothing.
    for (const m of notices) expect(await log.get(m.id)).toMatchObject({ state: 'sent' });
    const again = await h.sender.send(notices);
    expect(again.skipped).toHaveLength(25);
    expect(fake.messages(800)).toHaveLength(3);
  });

  it('keeps cards with buttons and tracked ids as messages of their own, between digests', async () => {
    const h = harness();
    const lane = [message(900, 0), message(900, 1), message(900, 2, card), message(900, 3), message(900, 4)];
    const result = await h.sender.send(lane);
    expect(result.sent.sort()).toEqual(lane.map((m) => m.id).sort());
    const sent = fake.messages(900);
    expect(sent.map((m) => (m.text ?? '').split('\n').filter((l) => l.startsWith('• ')).length)).toEqual([
      2, 0, 2,
    ]);
    expect(sent[1]?.text).toBe('Lovely to see you again, n2!');
    // The card alone reported where it landed.
    expect(h.delivered).toEqual([[lane[2]!.id, `900:${sent[1]!.message_id}`]]);
  });

  it('sends alert cards waiting for one chat as one digest: a line and an "open" button each, each card once', async () => {
    const h = harness();
    const cards = Array.from({ length: 5 }, (_, n) => alertCard(940, n));
    expect((await h.sender.send(cards)).sent).toEqual(cards.map((m) => m.id));
    const [digest, ...more] = fake.messages(940);
    expect(more).toEqual([]);
    expect(digest?.text).toBe(
      ['🔔 New alerts: 5', '', ...cards.map((_, n) => `${n + 1}. Lovely to see you again, n${n}!`), '']
        .join('\n')
        .concat('\nOpen each one below for the details and the buttons.'),
    );
    const rows = (digest?.reply_markup as InlineKeyboardMarkup).inline_keyboard;
    expect(rows.map((r) => r.map((b) => [b.text, 'callback_data' in b ? b.callback_data : '']))).toEqual(
      cards.map((_, n) => [[`${n + 1}. Open: n${n}`, `a:ao:a${n}`]]),
    );
    // No card exists in the chat yet: none is reported delivered (nothing to edit until opened).
    expect(h.delivered).toEqual([]);
    for (const m of cards) expect(await log.get(m.id)).toMatchObject({ state: 'sent' });
    expect((await h.sender.send(cards)).skipped).toHaveLength(5);
    expect(fake.messages(940)).toHaveLength(1);
  });

  it('keeps notices and cards in digests of their own, and ends a card digest at one another sender holds', async () => {
    const h = harness();
    const lane = [message(950, 0), message(950, 1), ...[2, 3, 4, 5].map((n) => alertCard(950, n))];
    await log.claim(lane[4]!.id, h.clock.now(), 60); // another sender is on the third card
    const result = await h.sender.send(lane);
    expect(result.sent).toEqual(lane.slice(0, 4).map((m) => m.id));
    expect(result.retry).toEqual(lane.slice(4).map((m) => m.id));
    const texts = fake.messages(950).map((m) => m.text ?? '');
    expect(texts).toHaveLength(2);
    expect(texts[0]).toMatch(/^Here are your latest notices/);
    expect(texts[1]).toMatch(
      /^🔔 New alerts: 2\n\n1\. Lovely to see you again, n2!\n2\. Lovely to see you again, n3!/,
    );
    expect(await log.get(lane[5]!.id)).toBeNull();
  });

  it('sends edits met among waiting cards first, and the cards as one digest', async () => {
    const h = harness();
    const old = await h.sender.send([message(970, 0)]);
    expect(old.sent).toHaveLength(1);
    const edited = fake.messages(970)[0]!.message_id;
    const seeBelow = { ...message(970, 9), edit: edited };
    const lane = [alertCard(970, 1), seeBelow, alertCard(970, 2), alertCard(970, 3), alertCard(970, 4)];
    expect((await h.sender.send(lane)).sent.sort()).toEqual(lane.map((m) => m.id).sort());
    const chat = fake.messages(970);
    expect(chat).toHaveLength(2);
    expect(chat[0]?.text).toBe('Lovely to see you again, n9!');
    expect(chat[1]?.text).toMatch(/^🔔 New alerts: 4\n/);
  });

  it('sends a card left alone as the card itself, tracked', async () => {
    const h = harness();
    const lane = [message(960, 0), message(960, 1), message(960, 2), alertCard(960, 3)];
    expect((await h.sender.send(lane)).sent).toHaveLength(4);
    const sent = fake.messages(960);
    expect(sent).toHaveLength(2);
    expect(sent[1]?.text).toBe('Lovely to see you again, n3!');
    expect(h.delivered).toEqual([[lane[3]!.id, `960:${sent[1]!.message_id}`]]);
  });

  it('sends notices one by one when together they would pass Telegram’s 4,096 characters', async () => {
    const h = harness();
    const long = Array.from({ length: 10 }, (_, n) => ({
      ...message(930, n),
      replies: [{ text: 'start.welcomeBack', params: { name: `${n}${'x'.repeat(450)}` } }],
    }));
    expect((await h.sender.send(long)).sent).toHaveLength(10);
    expect(fake.messages(930).map((m) => m.text?.length)).toEqual(long.map(() => expect.any(Number)));
    expect(fake.messages(930)).toHaveLength(10);
    expect(fake.messages(930)[9]?.text).toContain('9xxx');
  });

  it('sends what a chat can take at once as it is: no digest within the burst', async () => {
    const h = harness();
    const few = [message(910, 0), message(910, 1), message(910, 2)];
    expect((await h.sender.send(few)).sent).toHaveLength(3);
    expect(fake.messages(910).map((m) => m.text)).toEqual(
      few.map((_, n) => `Lovely to see you again, n${n}!`),
    );
  });

  it('leaves a notice another sender holds, and what follows it, to the retry', async () => {
    const h = harness();
    const lane = Array.from({ length: 6 }, (_, n) => message(920, n));
    await log.claim(lane[3]!.id, h.clock.now(), 60); // another sender is on the 4th
    const result = await h.sender.send(lane);
    expect(result.sent).toEqual(lane.slice(0, 3).map((m) => m.id));
    expect(result.retry).toEqual(lane.slice(3).map((m) => m.id));
    expect(fake.messages(920)).toHaveLength(1); // the first three as one digest
    for (const m of lane.slice(4)) expect(await log.get(m.id)).toBeNull();
  });
});
