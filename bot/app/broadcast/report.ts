import { actionData } from '../../flows/button-data.js';
import { reply } from '../../flows/types.js';
import type { Broadcast, BroadcastOutcome } from '../../core/ports.js';
import type { OutboundMessage } from '../../core/outbound.js';
import type { AppDeps } from '../common/deps.js';
import { messagesTo } from '../common/notify.js';
import type { Turn } from '../common/turn.js';

/**
 * What happened to a broadcast, and the way out of them. The senders report
 * each tracked message's outcome (delivered, held by WhatsApp's window,
 * failed, unreachable); each is counted on the broadcast once, and when every
 * message has one the mediator gets the report. Messages held for quiet hours
 * have no outcome until they go out in the morning: the report waits for them.
 */

/** Counts one message's outcome; the report goes out with the last one. */
export async function countBroadcastOutcome(
  deps: AppDeps,
  message: OutboundMessage,
  outcome: BroadcastOutcome,
): Promise<void> {
  const track = message.track;
  if (!track || !('broadcastId' in track)) return;
  const b = await deps.store.countBroadcastOutcome(track.by, track.broadcastId, outcome, message.id);
  if (!b || b.reportedAt) return;
  const known = Object.values(b.counts).reduce((a, n) => a + n, 0);
  if (known < b.total) return;
  const mediator = await deps.store.getPerson(b.by);
  if (!mediator?.onboardedAt) return;
  // Two last outcomes at once both get here: the id is the broadcast's, so the report goes once.
  await deps.outbox.enqueue(messagesTo(mediator, `broadcast:${b.id}:report`, [reportOf(b)]));
  await deps.store.markBroadcastReported(b.by, b.id, deps.clock.now());
}

function reportOf(b: Broadcast): ReturnType<typeof reply> {
  return reply('broadcast.report', {
    date: { date: b.createdAt.slice(0, 10) },
    audience: b.allZones
      ? { t: 'broadcast.everyZone', params: { who: { t: `broadcast.who.${b.audience}` } } }
      : { t: `broadcast.who.${b.audience}` },
    delivered: b.counts.delivered,
    held: b.counts.held,
    failed: b.counts.failed,
    unreachable: b.counts.unreachable + b.skipped,
  });
}

/**
 * "Stop these messages" (or, from its confirmation, turn them back on): a flag on the person,
 * written alone. Pressing it again changes nothing and says the same.
 */
export async function setBroadcastsOff(turn: Turn, off: boolean): Promise<void> {
  const { person } = turn;
  if (!person.onboardedAt) {
    turn.say(reply('errors.notAllowed'));
    return;
  }
  if (!!person.broadcastsOff !== off) {
    const { broadcastsOff: _was, ...rest } = person;
    await turn.savePerson(off ? { ...rest, broadcastsOff: true } : rest);
  }
  turn.say(
    off
      ? reply('broadcast.stopped', undefined, {
          buttons: [[{ label: 'buttons.resumeBroadcasts', data: actionData('bo') }]],
        })
      : reply('broadcast.resumed'),
  );
}
