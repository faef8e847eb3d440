/**
 * Bot API faults on a turn's own replies: for each outgoing call of a known
 * elder's /start, Telegram answers 500, or 429, or never answers. The turn is
 * committed once; the outbox sends again what failed. She ends with exactly
 * one copy of each reply, in order.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { FaultKind } from '../support/fake-bot-api.js';
import { onboardElder } from '../support/cast.js';
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
});
