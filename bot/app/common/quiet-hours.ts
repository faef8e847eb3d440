import { afterQuiet, isQuiet } from '../../domain/schedule.js';
import type { Timer } from '../../domain/timer.js';
import type { Network } from '../../domain/network.js';
import { parked, type Outbox, type OutboundMessage } from '../../core/outbound.js';
import type { Claimed, Clock, Store, Timers } from '../../core/ports.js';

/**
 * Quiet hours for the people who sleep: a notice to an elder or a volunteer
 * that is not an emergency waits for the morning (a timer) instead of waking
 * them. Answers to someone who just wrote (a turn, or what WhatsApp held for
 * them) and edits of earlier messages go at once; so does anything to
 * relatives and mediators, who choose their own notifications.
 */
export function quietOutbox(
  inner: Outbox,
  parts: { store: Store; timers: Timers; network: Network; clock: Clock },
): Outbox {
  return {
    async enqueue(messages) {
      const { quietHours, timeZone } = parts.network;
      const now = parts.clock.now();
      if (!isQuiet(now, quietHours, timeZone)) return inner.enqueue(messages);
      const candidates = messages.filter(mayWait);
      const ids = [...new Set(candidates.map((m) => m.personId))];
      const sleepers = new Set(
        (ids.length ? await parts.store.getPeople(ids) : [])
          .filter((p) => p.role === 'elder' || p.role === 'volunteer')
          .map((p) => p.id),
      );
      const held = candidates.filter((m) => sleepers.has(m.personId));
      if (held.length) {
        const due = afterQuiet(now, quietHours, timeZone).toISOString();
        await parts.timers.schedule(
          // Parked as every held message is: without personal data, read again when it goes out.
          held.map((m): Timer => ({ id: `held.${m.id}`, kind: 'held', due, data: { message: parked(m) } })),
        );
      }
      const rest = messages.filter((m) => !held.includes(m));
      if (rest.length) await inner.enqueue(rest);
    },
  };
}

function mayWait(m: OutboundMessage): boolean {
  return (
    !m.emergency &&
    !m.awake &&
    m.edit === undefined &&
    !m.id.startsWith('turn.') &&
    // The daily question and its ladder keep their own times (the ladder waits out quiet hours itself).
    !m.id.startsWith('chk.') &&
    !m.id.endsWith('~held')
  );
}

/** How long a copy waits for the turn that made it to be committed: Meta retries for a week at most. */
const turnWaitMs = 7 * 24 * 3600_000;

/**
 * A held notice's timer: quiet hours are over, it goes out — unless its
 * recipient left meanwhile (`gone` hears of it), and after `ready` (the same
 * check as WhatsApp's held messages: nothing about someone erased, live cards
 * read again).
 */
export async function releaseHeldNotice(
  deps: { outbox: Outbox; store: Store; timers: Timers },
  timer: Claimed<'held'>,
  now: Date,
  ready: (messages: OutboundMessage[]) => Promise<OutboundMessage[]>,
  gone: (message: OutboundMessage) => Promise<void> = async () => undefined,
): Promise<void> {
  // Written by quietOutbox above from an OutboundMessage (the domain's timer type knows no channels).
  const message = timer.data.message as OutboundMessage;
  const after = timer.data.afterTurn;
  if (after && !(await deps.store.turnCommitted(after.personId, after))) {
    // Its turn failed before the commit: Telegram or Meta deliver the update again (for a day at the most).
    if (now.getTime() - Date.parse(after.at) > turnWaitMs) return gone(message);
    const { state: _s, leaseUntil: _l, ...again } = timer;
    await deps.timers.schedule([{ ...again, due: new Date(now.getTime() + 60_000).toISOString() }]);
    return;
  }
  if (!(await deps.store.getPerson(message.personId))) return gone(message);
  const out = await ready([message]);
  if (out.length) await deps.outbox.enqueue(out);
}
