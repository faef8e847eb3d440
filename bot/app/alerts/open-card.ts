import { cardRef, type Alert } from '../../domain/alert.js';
import type { Person } from '../../domain/person.js';
import { reply, type Reply } from '../../flows/types.js';
import type { OutboundMessage } from '../../core/outbound.js';
import { signOfLife } from '../checkins/checkins.js';
import type { AppDeps } from '../common/deps.js';
import { messagesTo } from '../common/notify.js';
import type { Turn } from '../common/turn.js';
import { alertCard } from './alert-card.js';
import { alertToActOn, editOf } from './alerts.js';

/**
 * A card as it stands now for the mediator it is for, with what the elder wrote during the
 * check-in (the first card of a missed check-in carries it; an escalated one does not).
 */
export async function cardNow(
  deps: AppDeps,
  alert: Alert,
  subject: Person | null,
  viewerId: string,
  escalated = false,
): Promise<Reply[]> {
  const card = await alertCard(deps, alert, subject, { viewerId, ...(escalated ? { escalated } : {}) });
  const checkIn =
    subject && alert.localDate && !escalated
      ? await deps.checkIns.getCheckIn(subject.id, alert.localDate)
      : null;
  return [card, ...(subject && checkIn ? signOfLife(deps, checkIn, subject) : [])];
}

/**
 * "Open" on a line of a digest: the alert's card as it stands now (taken, closed: it says so), a
 * message of its own in the chat she pressed in, tracked, so the alert's next change edits it as
 * any card. A copy she held already turns into "see below": one live card per alert and mediator,
 * however often she opens it. Refused, as every alert button is, to anyone who may not act on it.
 */
export async function openAlert(turn: Turn, alertId: string): Promise<void> {
  const { deps, person } = turn;
  const alert = await alertToActOn(turn, alertId);
  if (!alert) {
    turn.say(reply('errors.notAllowed'));
    return;
  }
  const subject = await deps.store.getPerson(alert.personId);
  const held = cardRef.latest(alert.cards);
  const mine = held.find((c) => c.mediatorId === person.id);
  // Of the newest round any card of the alert went in: the next escalation turns it into "see below".
  const round = Math.max(0, ...held.map((c) => c.round));
  const key = `${alert.id}.open.${turn.key}`;
  const here = person.channels.filter((c) => c.channel === turn.turnKey?.channel);
  const card: OutboundMessage[] = messagesTo(
    { ...person, channels: here.length ? here : person.channels },
    key,
    await cardNow(deps, alert, subject, person.id),
  ).map((m) => ({
    ...m,
    // It answers her press: sent at once, as her other answers are.
    answers: turn.now.toISOString(),
    track: { alertId: alert.id, round },
    live: { kind: 'alertCard' as const, alertId: alert.id },
  }));
  const seeBelow = reply('alert.seeBelow', { name: subject?.name ?? '' });
  await deps.outbox.enqueue([...(mine ? editOf(person, mine, `${key}.below`, seeBelow) : []), ...card]);
}
