import { Api } from 'grammy';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { TelegramSender, type TelegramSenderDeps } from '../../bot/adapters/channels/telegram/sender.js';
import { InProcessOutbox } from '../../bot/adapters/outbox/in-process.js';
import type { DeliveryEvents, OutboundMessage } from '../../bot/core/outbound.js';
import type { Reply } from '../../bot/flows/types.js';
import { DynamoDeliveryLog } from '../../bot/adapters/store/delivery-log.js';
import { testTable } from '../support/dynamo.js';
import { startFakeBotApi, type FakeBotApi } from '../support/fake-bot-api.js';
import { VirtualTime } from '../support/virtual-time.js';

const botUsername = 'vicini_test_bot';
const t0 = Date.parse('2026-11-21T09:00:00Z');
const elapsed = (clock: VirtualTime) => clock.time.now() - t0;

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
  fake.setFaults(undefined);
  run++;
});

/** One API call: its chat, virtual time, error code if it failed, and when its answer came. */
type Stamp = { chat: number; at: number; code?: number; doneAt?: number };

/** A sender on virtual time whose Api records each call's virtual time (the limiter's grant) and answer. */
function harness(clock = new VirtualTime(t0), deps: Partial<TelegramSenderDeps> = {}) {
  const { time } = clock;
  const api = new Api(fake.token, { apiRoot: fake.apiRoot });
  const stamps: Stamp[] = [];
  let inFlight = 0;
  const h = { clock, stamps, maxInFlight: 0, unreachable: [] as string[][], undeliverable: [] as string[][] };
  const events: DeliveryEvents = {
    unreachable: async (personId, m) => void h.unreachable.push([personId, m.id]),
    undeliverable: async (m, reason) => void h.undeliverable.push([m.id, reason]),
    delivered: async () => undefined,
  };
  api.config.use(async (prev, method, payload, signal) => {
    const stamp: Stamp = { chat: (payload as { chat_id: number }).chat_id, at: time.now() };
    stamps.push(stamp);
    h.maxInFlight = Math.max(h.maxInFlight, ++inFlight);
    try {
      const res = await prev(method, payload, signal);
      if (!res.ok) stamp.code = res.error_code;
      return res;
    } finally {
      inFlight--;
      stamp.doneAt = time.now();
    }
  });
  const sender = new TelegramSender({
    api,
    log,
    events,
    botUsername: () => botUsername,
    time,
    logLine: () => undefined,
    ...deps,
  });
  return Object.assign(h, { sender });
}

/** A button, so a message is not a plain notice (those to a chat with a backlog go as a digest). */
const withButton = { buttons: [[{ label: 'buttons.skip', data: 'a:x' }]] };

/** `n` messages to chats `base + i`, one reply each unless `texts` says otherwise. */
function messages(n: number, base: number, texts = ['m'], extra: Partial<Reply> = {}): OutboundMessage[] {
  return Array.from({ length: n }, (_, i) => ({
    id: `r${run}:tmr:p${base + i}:${texts.join('+')}`,
    to: { channel: 'telegram', id: String(base + i) },
    personId: `p${base + i}`,
    lang: 'en',
    replies: texts.map((name) => ({ text: 'start.welcomeBack', params: { name }, ...extra })),
  }));
}

const okSends = (chat: number) => fake.sentTo(chat).length;

/**
 * Every rolling second has at most `limit` calls; a chat has at most a burst of three calls, then
 * one a second (its fourth call is at least 1 s after its first, and so on).
 */
function expectWithinLimits(stamps: Stamp[], limit = 30): void {
  const burst = 3;
  const byChat = new Map<number, number[]>();
  stamps.forEach((s, i) => {
    expect(s.at).toBeGreaterThanOrEqual(stamps[i - 1]?.at ?? s.at); // recorded in time order
    if (i >= limit) expect(s.at - stamps[i - limit]!.at).toBeGreaterThanOrEqual(1000);
    const chat = byChat.get(s.chat) ?? [];
    if (chat.length >= burst) expect(s.at - chat[chat.length - burst]!).toBeGreaterThanOrEqual(1000);
    chat.push(s.at);
    byChat.set(s.chat, chat);
  });
}

describe('TelegramSender', () => {
  it('(a) sends 300 messages to 300 chats once each, within 28/s, concurrently', async () => {
    const h = harness();
    const batch = messages(300, 1000);
    const result = await h.sender.send(batch);
    expect(result.sent).toHaveLength(300);
    for (const m of batch) expect(okSends(Number(m.to.id))).toBe(1);
    expectWithinLimits(h.stamps);
    expectWithinLimits(h.stamps, 28);
    expect(elapsed(h.clock)).toBeLessThanOrEqual(11_000); // 300 at 28/s: slots at 0, 1, …, 10 s
    // Concurrent, not one call after another; how many overlap depends on how fast each call returns
    // (real sockets to the fake Bot API), so the test asks only that they do (once it saw exactly 10).
    expect(h.maxInFlight).toBeGreaterThan(1);
  });

  it('keeps each chat to a burst of three, then one message per second, in order, without holding the others up', async () => {
    const h = harness();
    const repeated = [0, 1, 2, 3, 4].flatMap((k) => messages(5, 2000, [`k${k}`], withButton));
    const result = await h.sender.send([...repeated, ...messages(40, 3000)]);
    expect(result.sent).toHaveLength(65);
    expectWithinLimits(h.stamps);
    for (let chat = 2000; chat < 2005; chat++) {
      expect(fake.messages(chat).map((m) => m.text)).toEqual(
        ['k0', 'k1', 'k2', 'k3', 'k4'].map((k) => `Lovely to see you again, ${k}!`),
      );
    }
    // The repeated chats need 2.1 s (three at once, then one per 1.05 s); the single ones never wait for them.
    const singlesDone = Math.max(...h.stamps.filter((s) => s.chat >= 3000).map((s) => s.at)) - t0;
    const repeatedDone = Math.max(...h.stamps.filter((s) => s.chat < 3000).map((s) => s.at)) - t0;
    expect(singlesDone).toBeLessThan(repeatedDone);
  });

  it('(b) delivers 200 messages exactly once through 429s, 500s and timeouts', async () => {
    fake.setFaults({
      rate: 0.2,
      kinds: ['429', '500', 'timeout'],
      seed: 7,
      timeoutMs: 150,
      methods: ['sendMessage'],
    });
    // 8 attempts instead of 6: 200 messages make 6 failures in a row (p ≈ 0.13 each) a rare but real flake.
    const h = harness(new VirtualTime(t0), { maxAttempts: 8 });
    const batch = messages(200, 4000);
    const result = await h.sender.send(batch);
    expect(result.sent).toHaveLength(200);
    for (const m of batch) expect(okSends(Number(m.to.id))).toBe(1);
    const faults = fake.calls.filter((c) => c.fault).map((c) => c.fault);
    expect(new Set(faults)).toEqual(new Set(['429', '500', 'timeout'])); // retries of every kind happened
    expectWithinLimits(h.stamps);
    // After a 429 answer nothing is sent until its retry_after (1 s) has passed.
    for (const throttled of h.stamps.filter((s) => s.code === 429)) {
      const early = h.stamps.filter((s) => s.at > throttled.doneAt! && s.at < throttled.doneAt! + 1000);
      expect(early).toEqual([]);
    }
  });

  it('(c) marks 403 chats unreachable once, without retrying, and delivers the others', async () => {
    fake.setFaults({ rate: 0.25, kinds: ['403'], seed: 3, methods: ['sendMessage'] });
    const h = harness();
    const batch = messages(80, 5000);
    const result = await h.sender.send(batch);
    const blocked = batch.filter((m) =>
      fake.calls.some((c) => c.fault === '403' && c.params.chat_id === Number(m.to.id)),
    );
    expect(blocked.length).toBeGreaterThan(5);
    expect(h.unreachable.sort()).toEqual(blocked.map((m) => [m.personId, m.id]).sort());
    expect(result.unreachable.sort()).toEqual(blocked.map((m) => m.id).sort());
    expect(result.sent).toHaveLength(80 - blocked.length);
    for (const m of batch)
      expect(fake.calls.filter((c) => c.params.chat_id === Number(m.to.id))).toHaveLength(1);
    expect(await log.get(blocked[0]!.id)).toMatchObject({ state: 'sent', outcome: 'unreachable' });
    // Sending them again changes nothing: they are done.
    fake.setFaults(undefined);
    expect((await h.sender.send(batch)).skipped).toHaveLength(80);
    expect(h.unreachable).toHaveLength(blocked.length);
  });

  it('(d) sends messages enqueued twice, by two senders at once, to each chat exactly once', async () => {
    const clock = new VirtualTime(t0);
    const [a, b] = [harness(clock), harness(clock)];
    const held: unknown[] = [];
    const options = { batchSize: 20, log: (line: unknown) => void held.push(line) };
    const outboxA = new InProcessOutbox((m) => a.sender.send(m), options);
    const outboxB = new InProcessOutbox((m) => b.sender.send(m), options);
    const batch = messages(50, 6000);
    await Promise.all([outboxA.enqueue(batch), outboxB.enqueue(batch)]);
    await Promise.all([outboxA.drain(), outboxB.drain()]);
    await Promise.all([outboxA.drain(), outboxB.drain()]); // what was busy elsewhere is retried, then skipped
    for (const m of batch) expect(okSends(Number(m.to.id))).toBe(1);
    expect(outboxA.pending + outboxB.pending).toBe(0);
  });

  it('(e) keeps a message whose retries are spent and raises undeliverable; nothing is lost', async () => {
    fake.setFaults({ rate: 1, kinds: ['500'], methods: ['sendMessage'] });
    const h = harness(new VirtualTime(t0), { maxAttempts: 3 });
    const [message] = messages(1, 7000) as [OutboundMessage];
    expect((await h.sender.send([message])).failed).toEqual([message.id]);
    expect(fake.callsTo('sendMessage')).toHaveLength(3);
    expect(elapsed(h.clock)).toBe(1500); // backoff 0.5 s, then 1 s: the chat's burst leaves room for the retries
    expect(h.undeliverable).toEqual([[message.id, '500 after 3 attempts']]);
    fake.setFaults(undefined);
    const failed = (await log.listFailed()).filter((r) => r.id === message.id);
    expect(failed).toEqual([expect.objectContaining({ state: 'failed', message, sentReplies: 0 })]);
    // An operator's retry sends it and takes it off the failed list.
    expect((await h.sender.send([message])).sent).toEqual([message.id]);
    expect((await log.listFailed()).map((r) => r.id)).not.toContain(message.id);
  });

  it('counts a hung call as a failed attempt after the call timeout', async () => {
    // The fake holds each call far longer than the test may run: only the sender's deadline ends it.
    fake.setFaults({ rate: 1, kinds: ['timeout'], timeoutMs: 120_000, methods: ['sendMessage'] });
    const h = harness(new VirtualTime(t0), { maxAttempts: 2, callTimeoutMs: 10_000 });
    const sending = h.sender.send(messages(1, 7100));
    for (let attempt = 1; attempt <= 2; attempt++) {
      // A call in flight holds the virtual clock; once the fake has it hanging, ten seconds pass.
      await fake.waitFor((c) => c.fault === 'timeout');
      h.clock.advance(10_000);
    }
    expect((await sending).failed).toHaveLength(1);
    expect(h.undeliverable[0]?.[1]).toBe('network error or timeout after 2 attempts');
    // Each call ended at its deadline, in virtual time; the second went out 0.5 s (the backoff) after it.
    expect(h.stamps.map((s) => [s.at - t0, s.doneAt! - s.at])).toEqual([
      [0, 10_000],
      [10_500, 10_000],
    ]);
  });

  it('(f) retries the 2nd reply after a 500 without sending the 1st again', async () => {
    const h = harness();
    let injected = false;
    const [message] = messages(1, 8000, ['first', 'second']) as [OutboundMessage];
    fake
      .waitFor((c) => c.ok && c.method === 'sendMessage')
      .then(() => {
        injected = true;
        fake.setFaults({ rate: 1, kinds: ['500'], methods: ['sendMessage'] });
        void fake.waitFor((c) => c.fault === '500').then(() => fake.setFaults(undefined));
      });
    expect((await h.sender.send([message])).sent).toEqual([message.id]);
    expect(injected).toBe(true);
    expect(fake.messages(8000).map((m) => m.text)).toEqual([
      'Lovely to see you again, first!',
      'Lovely to see you again, second!',
    ]);
    expect(h.stamps.map((s) => s.code ?? 'ok')).toEqual(['ok', 500, 'ok']);
  });

  it('resumes a kept 2-reply message after the reply that went out', async () => {
    const h = harness(new VirtualTime(t0), { maxAttempts: 1 });
    const [message] = messages(1, 8100, ['first', 'second']) as [OutboundMessage];
    void fake.waitFor((c) => c.ok).then(() => fake.setFaults({ rate: 1, kinds: ['500'] }));
    expect((await h.sender.send([message])).failed).toEqual([message.id]);
    expect(await log.get(message.id)).toMatchObject({ state: 'failed', sentReplies: 1 });
    fake.setFaults(undefined);
    expect((await h.sender.send([message])).sent).toEqual([message.id]);
    expect(fake.messages(8100).map((m) => m.text)).toEqual([
      'Lovely to see you again, first!',
      'Lovely to see you again, second!',
    ]);
  });

  it('takes over from a sender that died mid-message once its lease ran out', async () => {
    const clock = new VirtualTime(t0);
    const h = harness(clock, { leaseSeconds: 60 });
    const [message] = messages(1, 8200, ['first', 'second']) as [OutboundMessage];
    await log.claim(message.id, clock.now(), 60); // the dead sender got the 1st reply out
    await log.markProgress(message.id, 1, clock.now(), 60);
    const busy = await h.sender.send([message]);
    expect(busy).toMatchObject({ skipped: [message.id], retry: [message.id], sent: [] });
    clock.advance(61_000);
    expect((await h.sender.send([message])).sent).toEqual([message.id]);
    expect(fake.messages(8200).map((m) => m.text)).toEqual(['Lovely to see you again, second!']);
  });

  it('sends a document reply with its caption, and refuses a non-Telegram address', async () => {
    const h = harness();
    const [doc, other] = messages(2, 8300);
    doc!.replies = [
      { text: 'start.welcomeBack', params: { name: 'x' }, document: { filename: 'a.json', content: '{}' } },
    ];
    other!.to = { channel: 'whatsapp', id: '393330000000' };
    const result = await h.sender.send([doc!, other!]);
    expect(result).toMatchObject({ sent: [doc!.id], failed: [other!.id] });
    expect(fake.messages(8300)[0]).toMatchObject({
      caption: 'Lovely to see you again, x!',
      document: { file_name: 'a.json' },
    });
    expect(h.undeliverable).toEqual([[other!.id, 'not a Telegram chat (whatsapp)']]);
  });
});
