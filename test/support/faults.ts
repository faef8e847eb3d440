import type { Update } from 'grammy/types';
import { expect } from 'vitest';
import type { World } from './world.js';

/** Delivers the update until Telegram would stop retrying (a 2xx), then lets the outbox finish. */
export async function deliverUntilAccepted(world: World, update: Update): Promise<number> {
  let tries = 0;
  for (;;) {
    tries++;
    const answer = await world.deliver(update);
    if (answer.statusCode === 200) break;
    expect(answer.statusCode).toBe(500);
    expect(tries).toBeLessThan(5);
  }
  // The outbox retries what a failed delivery-log call left (SQS would redeliver it).
  for (let i = 0; i < 3 && world.runtime.outbox.pending > 0; i++) await world.runtime.outbox.drain();
  return tries;
}

/**
 * Delivers `update` with DynamoDB call `n` failing (0: none) until accepted: the tries, the calls it
 * took and their commands.
 */
export async function withFaultAt(
  world: World,
  n: number,
  update: Update,
): Promise<{ tries: number; calls: number; names: string[] }> {
  world.faults.failAt(n);
  const tries = await deliverUntilAccepted(world, update);
  const calls = world.faults.seen;
  const names = [...world.faults.names];
  world.faults.failAt(0);
  return { tries, calls, names };
}
