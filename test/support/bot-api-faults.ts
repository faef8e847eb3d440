import type { Update } from 'grammy/types';
import { expect } from 'vitest';
import type { FaultKind, FaultOptions } from './fake-bot-api.js';
import { deliverUntilAccepted } from './faults.js';
import type { Person, World } from './world.js';

/** Delivers the turn's update as Telegram would (again until a 2xx), then lets the outbox finish. */
export type TurnDelivery = (update: Update) => Promise<void>;

/** Telegram answers 500, or 429 (retry after 1 s), or never answers (the socket dropped). */
export const botApiFaultKinds: FaultKind[] = ['500', '429', 'timeout'];

/**
 * Runs `scenario` once clean, then once for each fault kind and each Bot API call the clean run's
 * turn made (the n-th call of its method failing once). The scenario sets up what it needs, hands
 * its turn's update to `turn` — the fault is armed for that turn and its delivery only, never for
 * the set-up — and returns what each person ends with and the effects, as changes since before the
 * turn: every faulted run must end exactly as the clean one (one reply sequence, one effect), the
 * update accepted at the first delivery (a Bot API fault is the outbox's to retry, not the turn's).
 */
export async function eachBotApiCallFails<S>(
  world: World,
  scenario: (turn: TurnDelivery) => Promise<S>,
): Promise<{ clean: S; methods: string[] }> {
  let armed: FaultOptions | undefined;
  let last = { tries: 0, methods: [] as string[] };
  const turn: TurnDelivery = async (update) => {
    const from = world.api.calls.length;
    world.api.setFaults(armed);
    const tries = await deliverUntilAccepted(world, update);
    for (let i = 0; i < 5 && world.runtime.outbox.pending > 0; i++) await world.runtime.outbox.drain();
    world.api.setFaults(undefined);
    last = { tries, methods: world.api.calls.slice(from).map((c) => c.method) };
  };
  const clean = await scenario(turn);
  const { methods } = last;
  expect(last.tries, 'clean run').toBe(1);
  // Each call of the turn, in turn: the n-th call of its method.
  const plan = methods.map((method, i) => ({
    method,
    nth: methods.slice(0, i + 1).filter((m) => m === method).length,
  }));
  for (const kind of botApiFaultKinds) {
    for (const { method, nth } of plan) {
      const at = `${kind} at ${method} ${nth}`;
      const faulted = () => world.api.calls.filter((c) => c.fault === kind).length;
      const before = faulted();
      armed = { rate: 0, kinds: [kind], methods: [method], nth, timeoutMs: 50 };
      const got = await scenario(turn);
      armed = undefined;
      expect(got, at).toEqual(clean);
      expect(last.tries, at).toBe(1);
      // The fault did happen, once.
      expect(faulted() - before, at).toBe(1);
    }
  }
  expect(world.refusedAfterFaults()).toEqual([]);
  return { clean, methods };
}

/** What changed in each chat since: the messages added, and the earlier ones edited (as they now read). */
export interface ChatChange {
  added: string[];
  edited: string[];
}

/** Watches these people's chats from now on; the function returns what changed in each since. */
export function watchChats<K extends string>(people: Record<K, Person>): () => Record<K, ChatChange> {
  const before = new Map(
    Object.entries<Person>(people).map(([k, p]) => [
      k,
      new Map(p.messages().map((m) => [m.message_id, m.text ?? m.caption ?? ''])),
    ]),
  );
  return () =>
    Object.fromEntries(
      Object.entries<Person>(people).map(([k, p]) => {
        const seen = before.get(k)!;
        const added: string[] = [];
        const edited: string[] = [];
        for (const m of p.messages()) {
          const text = m.text ?? m.caption ?? '';
          if (!seen.has(m.message_id)) added.push(text);
          else if (seen.get(m.message_id) !== text) edited.push(text);
        }
        return [k, { added, edited }];
      }),
    ) as Record<K, ChatChange>;
}
