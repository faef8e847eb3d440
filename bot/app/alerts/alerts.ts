import { alertIds, cardRef, type Alert, type AlertKind, type CardRef } from '../../domain/alert.js';
import { parseMessageRef, type OutboundMessage } from '../../core/outbound.js';
import type { Person } from '../../domain/person.js';
import type { HelpRequest } from '../../domain/request.js';
import { timerIds, type Timer } from '../../domain/timer.js';
import { reply, type Reply } from '../../flows/types.js';
import type { Claimed } from '../../core/ports.js';
import type { AppDeps } from '../common/deps.js';
import { alertCard, cardLine, openSince } from './alert-card.js';
import { allMediators, mediatorsFor, messagesTo, relativesOf } from '../common/notify.js';
import type { Turn } from '../common/turn.js';

export interface RaiseAlert {
  kind: AlertKind;
  id: string;
  subject: Person;
  zoneId: string;
  localDate?: string;
  requestId?: string;
  emergency?: boolean;
  /** Messages that go with the first card (what the elder wrote during the check-in). */
  extra?: Reply[];
}

/**
 * Opens an alert (once per id), sends its card to the zone's mediators and
 * schedules the escalation to every mediator if nobody acknowledges it.
 */
export async function raiseAlert(
  deps: AppDeps,
  input: RaiseAlert,
  now: Date,
): Promise<{ alert: Alert; told: Person[] }> {
  const { alert } = await deps.alerts.raise({
    id: input.id,
    kind: input.kind,
    state: 'open',
    zoneId: input.zoneId,
    personId: input.subject.id,
    createdAt: now.toISOString(),
    ...(input.localDate ? { localDate: input.localDate } : {}),
    ...(input.requestId ? { requestId: input.requestId } : {}),
    notified: [],
  });
  const mediators = (await mediatorsFor(deps, input.zoneId)).filter((m) => m.id !== input.subject.id);
  const card = await alertCard(deps, alert, input.subject);
  await deps.outbox.enqueue(
    mediators.flatMap((m) =>
      tracked(
        messagesTo(m, `${alert.id}.0`, [card, ...(input.extra ?? [])], input.emergency),
        alert,
        0,
        card,
      ),
    ),
  );
  await deps.alerts.addNotified(
    alert.id,
    mediators.map((m) => m.id),
  );
  const escalation: Timer = {
    id: timerIds.escalate(alert.id, 1),
    kind: 'escalate',
    due: new Date(now.getTime() + deps.network.alerts.escalateAfterMinutes * 60_000).toISOString(),
    data: { alertId: alert.id, round: 1 },
  };
  await deps.timers.schedule([escalation]);
  return { alert, told: mediators };
}

/** Escalation timer: an alert still open goes to every mediator, again and again up to the limit. */
export async function escalate(deps: AppDeps, timer: Claimed<'escalate'>, now: Date): Promise<void> {
  const { alertId, round } = timer.data;
  const alert = await deps.alerts.getAlert(alertId);
  if (!alert || alert.state !== 'open') return;
  const { renotifyEveryMinutes, maxRenotify } = deps.network.alerts;
  const next = new Date(Date.parse(timer.due) + renotifyEveryMinutes * 60_000).toISOString();
  const nextTimer = {
    id: timerIds.escalate(alert.id, round + 1),
    kind: 'escalate' as const,
    due: next,
    data: { alertId, round: round + 1 },
  };
  // Caught up late (the tick was down): a round the next one already overtakes would ring
  // and be turned into "see below" at once; only the newest due round sends its cards.
  if (round <= maxRenotify && Date.parse(next) <= now.getTime()) {
    await deps.timers.schedule([nextTimer]);
    return;
  }
  const subject = await deps.store.getPerson(alert.personId);
  const mediators = (await allMediators(deps)).filter((m) => m.id !== alert.personId);
  const card = await alertCard(deps, alert, subject, { escalated: true });
  // The fresh card rings again; the copy each mediator held turns into "see below", without buttons.
  const seeBelow = reply('alert.seeBelow', { name: subject?.name ?? '' });
  const held = cardRef.latest(alert.cards).filter((c) => c.round < round);
  const people = new Map(mediators.map((m) => [m.id, m]));
  await deps.outbox.enqueue([
    // Keyed by the copy it edits: a copy turns into "see below" once, whichever round finds it.
    ...held.flatMap((c) => editOf(people.get(c.mediatorId), c, `${alert.id}.${c.round}.below`, seeBelow)),
    ...mediators.flatMap((m) =>
      tracked(messagesTo(m, `${alert.id}.${round}`, [card], true), alert, round, card),
    ),
  ]);
  await deps.alerts.addNotified(
    alert.id,
    mediators.map((m) => m.id),
  );
  if (round <= maxRenotify) await deps.timers.schedule([nextTimer]);
}

/**
 * A card of a round: kept to be edited later, parked (held, kept) without its details, and with
 * its line for a digest, should several wait for her at once.
 */
function tracked(messages: OutboundMessage[], alert: Alert, round: number, card: Reply): OutboundMessage[] {
  const live = { kind: 'alertCard' as const, alertId: alert.id, ...(round > 0 ? { escalated: true } : {}) };
  const digestLine = cardLine(alert, card, round > 0);
  return messages.map((m) => ({ ...m, track: { alertId: alert.id, round }, live, digestLine }));
}

/** An edit of the card a mediator holds, where the channel can edit (on WhatsApp none: the card stays as sent). */
export function editOf(
  to: Person | undefined,
  card: CardRef,
  key: string,
  replacement: Reply,
): OutboundMessage[] {
  const at = card.ref.lastIndexOf(':');
  const { to: chat, edit } = parseMessageRef(card.ref.slice(0, at), card.ref.slice(at + 1));
  if (!to || edit === undefined || !Number.isSafeInteger(edit)) return [];
  return [
    {
      id: `${key}:${to.id}:${chat.channel}`,
      to: chat,
      personId: to.id,
      lang: to.lang,
      replies: [replacement],
      edit,
    },
  ];
}

/**
 * Every card of the alert that mediators hold shows its new state (who took
 * it, who closed it), except the one being pressed right now. A mediator who
 * got the alert only as a line of a digest holds no card: nothing to edit
 * until she opens it (see open-card.ts).
 */
export async function refreshCards(deps: AppDeps, alert: Alert, except?: string): Promise<void> {
  const held = cardRef.latest(alert.cards).filter((c) => c.mediatorId !== except);
  if (!held.length) return;
  const subject = await deps.store.getPerson(alert.personId);
  const people = new Map((await deps.store.getPeople(held.map((c) => c.mediatorId))).map((p) => [p.id, p]));
  const messages: OutboundMessage[] = [];
  for (const c of held) {
    const card = await alertCard(deps, alert, subject, { viewerId: c.mediatorId });
    messages.push(...editOf(people.get(c.mediatorId), c, `${alert.id}.${alert.state}.card`, card));
  }
  await deps.outbox.enqueue(messages);
}

/** Tells the other mediators who were notified what happened to an alert. */
async function tellOthers(deps: AppDeps, alert: Alert, by: Person, text: string, subject: Person | null) {
  const others = (await deps.store.getPeople(alert.notified)).filter((m) => m.id !== by.id);
  const params = { mediator: by.name ?? '', name: subject?.name ?? '' };
  await deps.outbox.enqueue(
    others.flatMap((m) => messagesTo(m, `${alert.id}.${text}`, [reply(text, params)])),
  );
}

function canHandle(turn: Turn): boolean {
  return turn.person.role === 'mediator' && !!turn.person.onboardedAt;
}

/**
 * The alert, if the presser may act on it: a mediator of its zone, or one it was escalated to.
 * Null for anyone else (a forged button for another zone, someone no longer a mediator).
 */
export async function alertToActOn(turn: Turn, alertId: string): Promise<Alert | null> {
  const found = canHandle(turn) ? await turn.deps.alerts.getAlert(alertId) : null;
  return found && (found.zoneId === turn.person.zoneId || found.notified.includes(turn.person.id))
    ? found
    : null;
}

/**
 * A mediator moves an alert (acknowledge or resolve): refused for anyone else;
 * "already done" when another mediator got there first; otherwise the pressed
 * card is redrawn in its new state (phone, address and relatives stay on it)
 * and the others who were told hear who did it.
 */
async function moveAlert(
  turn: Turn,
  alertId: string,
  move: 'acknowledge' | 'resolve',
  texts: { already: string; others: string },
): Promise<Alert | null> {
  const { deps } = turn;
  // Their zone's alerts, or one escalated to them: a forged button for another zone changes nothing.
  const alert = await alertToActOn(turn, alertId);
  if (!alert) {
    turn.say(reply('errors.notAllowed'));
    return null;
  }
  const subject = await deps.store.getPerson(alert.personId);
  const moved =
    move === 'resolve'
      ? await deps.alerts.resolve(alertId, turn.person.id, turn.now, deps.network.alerts.retentionDays)
      : await deps.alerts.acknowledge(alertId, turn.person.id, turn.now);
  if (!moved) {
    turn.say(await alreadyMoved(deps, alertId, turn.person.id, subject, texts.already));
    return null;
  }
  turn.say({ ...(await alertCard(deps, moved, subject, { viewerId: turn.person.id })), edit: true });
  await refreshCards(deps, moved, turn.person.id);
  await tellOthers(deps, moved, turn.person, texts.others, subject);
  return moved;
}

/**
 * A press on an alert that has moved on: who has it now, in a message of its
 * own (the pressed card keeps what it shows). Her own earlier move is named as
 * hers, with the phone to call.
 */
async function alreadyMoved(
  deps: AppDeps,
  alertId: string,
  me: string,
  subject: Person | null,
  already: string,
): Promise<Reply> {
  const alert = await deps.alerts.getAlert(alertId);
  const name = subject?.name ?? '';
  if (alert?.state === 'resolved')
    return reply(alert.resolvedBy === me ? 'alert.alreadyResolvedByYou' : 'alert.alreadyResolved', { name });
  if (alert?.ackBy === me) {
    const phone = subject ? (await deps.store.getPrivate(subject.id)).phone : undefined;
    return reply('alert.alreadyYours', { name, phone: phone ?? { t: 'profile.none' } });
  }
  return reply(already, { name });
}

/** "I'm handling it": open → acknowledged; re-notification stops. */
export async function acknowledgeAlert(turn: Turn, alertId: string): Promise<void> {
  const acked = await moveAlert(turn, alertId, 'acknowledge', {
    already: 'alert.alreadyHandled',
    others: 'alert.ackedBy',
  });
  if (acked) await tellRelatives(turn.deps, acked, turn.person);
}

/** The elder's relatives hear that a mediator is on it, and how to reach them. */
async function tellRelatives(deps: AppDeps, alert: Alert, mediator: Person): Promise<void> {
  const elder = await deps.store.getPerson(alert.personId);
  if (elder?.role !== 'elder') return;
  const relatives = await relativesOf(deps, elder.id);
  if (!relatives.length) return;
  const phone = (await deps.store.getPrivate(mediator.id)).phone;
  const message = reply('alert.relativeAcked', {
    mediator: mediator.name ?? '',
    name: elder.name ?? '',
    phone: phone ?? { t: 'profile.none' },
  });
  await deps.outbox.enqueue(relatives.flatMap((r) => messagesTo(r, `${alert.id}.ackrel`, [message])));
}

/** "Reached: all well": the alert is resolved; a missed check-in is closed and everybody told. */
export async function resolveAlert(
  turn: Turn,
  alertId: string,
  closeCheckIn: (alert: Alert) => Promise<void>,
) {
  const resolved = await moveAlert(turn, alertId, 'resolve', {
    already: 'alert.alreadyResolved',
    others: 'alert.resolvedBy',
  });
  if (resolved) await closeCheckIn(resolved);
}

/** `/alerts`: the zone's open and acknowledged alerts (and any escalated to her), each with its state and buttons. */
export async function listAlerts(turn: Turn): Promise<void> {
  const { deps, person } = turn;
  if (!canHandle(turn) || !person.zoneId) {
    turn.say(reply('errors.mediatorsOnly'));
    return;
  }
  // Her zone's alerts, and those of other zones that were escalated to her.
  const zones = await Promise.all(deps.network.zones.map((z) => deps.alerts.openAlerts(z.id)));
  const alerts = zones
    .flat()
    .filter((a) => a.zoneId === person.zoneId || a.notified.includes(person.id))
    .sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  if (!alerts.length) {
    turn.say(reply('alert.none'));
    return;
  }
  turn.say(reply('alert.count', { count: alerts.length }));
  for (const alert of alerts) {
    const subject = await deps.store.getPerson(alert.personId);
    const card = await alertCard(deps, alert, subject, { viewerId: person.id });
    turn.say(
      alert.state === 'open'
        ? { ...card, text: 'alert.listed', params: { ...card.params, state: openSince(deps, alert) } }
        : card,
    );
  }
}

/** The sender could not reach a person (blocked the bot…): their zone's mediators hear of it at once. */
export async function raiseUnreachable(
  deps: AppDeps,
  person: Person,
  now: Date,
  kind: 'unreachable' | 'undeliverable',
  key: string,
) {
  if (person.role === 'mediator') return;
  const zoneId = person.zoneId ?? (await zoneOfRelative(deps, person));
  if (!zoneId) return;
  const id = kind === 'unreachable' ? alertIds.unreachable(person.id, key) : alertIds.undeliverable(key);
  await raiseAlert(deps, { kind, id, subject: person, zoneId, emergency: true }, now);
}

async function zoneOfRelative(deps: AppDeps, person: Person): Promise<string | undefined> {
  const links = await deps.store.listElders(person.id);
  const elders = await deps.store.getPeople(links.map((l) => l.elderId));
  return elders.find((e) => e.zoneId)?.zoneId;
}

/**
 * A mediator may act on a request of their own zone, or on one whose alert
 * reached them (an escalation to every mediator gives every power on it).
 */
export async function mediatorMayAct(
  deps: AppDeps,
  mediator: Person,
  request: HelpRequest,
): Promise<boolean> {
  if (mediator.role !== 'mediator' || !mediator.onboardedAt) return false;
  if (mediator.zoneId === request.zoneId) return true;
  const ids = [
    alertIds.urgentRequest(request.id),
    ...Array.from({ length: request.wave + 1 }, (_, i) => alertIds.unassignedRequest(request.id, i + 1)),
  ];
  const alerts = await Promise.all(ids.map((id) => deps.alerts.getAlert(id)));
  return alerts.some((a) => a?.notified.includes(mediator.id));
}
