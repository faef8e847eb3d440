import { describe, expect, it } from 'vitest';
import { InProcessOutbox } from '../../bot/adapters/outbox/in-process.js';
import type { OutboundMessage } from '../../bot/core/outbound.js';

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
});
