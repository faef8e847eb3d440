import { createHash } from 'node:crypto';
import { localDate } from '../../domain/schedule.js';
import type { DeliveryEvents, OutboundMessage } from '../../core/outbound.js';
import { cardRef } from '../../domain/alert.js';
import { raiseUnreachable } from './alerts.js';
import type { AppDeps } from '../common/deps.js';
import { countBroadcastOutcome } from '../broadcast/report.js';

/** The person can no longer be reached on their channel: recorded, and their zone's mediators alerted at once. */
export async function markUnreachable(deps: AppDeps, personId: string): Promise<void> {
  const person = await deps.store.getPerson(personId);
  if (!person?.onboardedAt) return;
  const now = deps.clock.now();
  if (!person.unreachableAt)
    await deps.store.savePerson({ ...person, unreachableAt: now.toISOString() }, person);
  // One alert per person and day, however many messages bounce.
  await raiseUnreachable(deps, person, now, 'unreachable', localDate(now, deps.network.timeZone));
}

/** The sender is done with an elder's prompt (sent, held or given up): the ladder counts from now. */
async function promptDone(deps: AppDeps, message: OutboundMessage): Promise<void> {
  const track = message.track;
  if (track && 'checkInOf' in track)
    await deps.checkIns.markPromptSent(track.checkInOf, track.localDate, deps.clock.now());
}

/** What the sender reports, turned into alerts (and a broadcast's counts, a prompt's time). */
export function deliveryEvents(deps: () => AppDeps): DeliveryEvents {
  return {
    async unreachable(personId: string, message: OutboundMessage) {
      await promptDone(deps(), message);
      await markUnreachable(deps(), personId);
      await countBroadcastOutcome(deps(), message, 'unreachable');
    },
    async undeliverable(message: OutboundMessage) {
      const d = deps();
      await promptDone(d, message);
      await countBroadcastOutcome(d, message, 'failed');
      const person = await d.store.getPerson(message.personId);
      if (!person?.onboardedAt) return;
      const key = createHash('sha256').update(message.id).digest('base64url').slice(0, 16);
      await raiseUnreachable(d, person, d.clock.now(), 'undeliverable', key);
    },
    async delivered(message: OutboundMessage, ref: string, part?: 'voice') {
      const track = message.track;
      if (!track) return;
      if ('checkInOf' in track) return promptDone(deps(), message);
      if ('broadcastId' in track) return countBroadcastOutcome(deps(), message, 'delivered');
      if ('alertId' in track) {
        const entry = cardRef.format({ mediatorId: message.personId, round: track.round, ref });
        await deps().alerts.recordCard(track.alertId, entry);
        return;
      }
      const { requestId, field, volunteerId } = track;
      // The elder's voice note under the assignment card: kept to delete it when the task ends.
      if (part === 'voice') {
        if (field === 'assigned')
          await deps().requests.recordMessage(requestId, 'assignedVoice', volunteerId, ref);
        return;
      }
      await deps().requests.recordMessage(requestId, field, volunteerId, `${ref}:${message.lang}`);
    },
    async held(message: OutboundMessage) {
      await promptDone(deps(), message);
      await countBroadcastOutcome(deps(), message, 'held');
    },
  };
}
