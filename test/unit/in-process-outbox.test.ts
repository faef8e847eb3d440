import { describe, expect, it } from 'vitest';
import { InProcessOutbox } from '../../bot/adapters/outbox/in-process.js';
import type { OutboundMessage } from '../../bot/core/outbound.js';
import { VirtualTime } from '../support/virtual-time.js';

const messages = (n: number, prefix: string): OutboundMessage[] =>
  Array.from({ length: n }, (_, i) => ({
    id: `${prefix}${i}`,
    to: { channel: 'telegram', id: String(100 + i) },
    personId: `p${i}`,
    lang: 'it',
    replies: [{ text: 'start.welcomeBack', params: { name: 'x' } }],
  }));

describe('InProcessOutbox', () => {
  it('drains what is enqueued while draining, in batches, in order', async () => {
    const batches: string[][] = [];
    const outbox: InProcessOutbox = new InProcessOutbox(
      async (m) => {
        batches.push(m.map((x) => x.id));
        if (batches.length === 1) await outbox.enqueue(messages(3, 'late'));
      },
      { batchSize: 4 },
    );
    await outbox.enqueue(messages(6, 'm'));
    await outbox.drain();
    expect(batches).toEqual([['m0', 'm1', 'm2', 'm3'], ['m4', 'm5', 'late0', 'late1'], ['late2']]);
    expect(outbox.pending).toBe(0);
  });

  it('drains by itself with autoDrain, and keeps a batch whose send threw', async () => {
    const lines: Array<Record<string, unknown>> = [];
    let fail = true;
    const sent: string[] = [];
    const outbox = new InProcessOutbox(
      async (m) => {
        if (fail) throw new Error('boom');
        sent.push(...m.map((x) => x.id));
      },
      { autoDrain: true, log: (l) => lines.push(l) },
    );
    await outbox.enqueue(messages(2, 'a'));
    await expect(outbox.drain()).rejects.toThrow('boom');
    expect(outbox.pending).toBe(2);
    fail = false;
    await outbox.drain();
    expect(sent).toEqual(['a0', 'a1']);
    // Ids and error names only: no message text reaches the log.
    expect(lines).toEqual([{ msg: 'outbox drain failed', error: 'Error' }]);
  });

  it('holds what the sender asks to retry until the next drain, without spinning', async () => {
    const calls: string[][] = [];
    const outbox = new InProcessOutbox(
      async (m) => {
        calls.push(m.map((x) => x.id));
        return { retry: calls.length === 1 ? ['b1'] : [] };
      },
      { log: () => undefined },
    );
    await outbox.enqueue(messages(3, 'b'));
    await outbox.drain();
    expect(calls).toEqual([['b0', 'b1', 'b2']]);
    expect(outbox.pending).toBe(1);
    await outbox.drain();
    expect(calls).toEqual([['b0', 'b1', 'b2'], ['b1']]);
    expect(outbox.pending).toBe(0);
  });

  it('holds what one chat’s pacing hands back until due, keeps that chat’s order, and lets the others go', async () => {
    const clock = new VirtualTime(0);
    const sends: { ids: string[]; at: number }[] = [];
    const chat = (id: string, chatId: string): OutboundMessage => ({
      ...messages(1, id)[0]!,
      id,
      to: { channel: 'telegram', id: chatId },
    });
    let readyAt = 0;
    const outbox: InProcessOutbox = new InProcessOutbox(
      async (batch, options) => {
        expect(options).toEqual({ holdMs: 0 }); // the sender never waits for one chat here
        sends.push({ ids: batch.map((m) => m.id), at: clock.time.now() });
        // Chat 1 takes one message a second; the rest of its messages come back for later.
        const mine = batch.filter((m) => m.to.id === '1');
        if (mine.length === 0 || clock.time.now() < readyAt)
          return { later: mine.map((m) => ({ id: m.id, at: readyAt })) };
        readyAt = clock.time.now() + 1000;
        if (sends.length === 1) await outbox.enqueue([chat('x3', '1'), chat('y', '2')]);
        return { later: mine.slice(1).map((m) => ({ id: m.id, at: readyAt })) };
      },
      { time: clock.time, log: () => undefined },
    );
    await outbox.enqueue([chat('x0', '1'), chat('x1', '1'), chat('x2', '1'), chat('a', '2'), chat('b', '3')]);
    await outbox.drain();
    expect(sends).toEqual([
      { ids: ['x0', 'x1', 'x2', 'a', 'b'], at: 0 },
      // y goes at once; x3, enqueued meanwhile, waits behind x1 and x2.
      { ids: ['y'], at: 0 },
      { ids: ['x1', 'x2', 'x3'], at: 1000 },
      { ids: ['x2', 'x3'], at: 2000 },
      { ids: ['x3'], at: 3000 },
    ]);
    expect(outbox.pending).toBe(0);
  });
});
