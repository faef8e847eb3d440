import { alertIds, type Alert, type AlertKind } from '../../domain/alert.js';
import type { Person } from '../../domain/person.js';
import { localTime } from '../../domain/schedule.js';
import { timerIds, type Timer } from '../../domain/timer.js';
import { actionData } from '../../flows/button-data.js';
import { reply, type Param, type Reply } from '../../flows/types.js';
import { findNeighbourhood, findZone } from '../../domain/network.js';
import type { ClaimedTimer } from '../../core/ports.js';
import type { AppDeps } from '../common/deps.js';
import { whenParam } from '../requests/request-text.js';
import { allMediators, mediatorsFor, messagesTo } from '../common/notify.js';
import type { Turn } from '../common/turn.js';

/** The card a mediator gets for an alert: what happened, to whom, and the two answers. */
async function alertCard(
  deps: AppDeps,
  alert: Alert,
  subject: Person | null,
  escalated = false,
): Promise<Reply> {
  const phone = subject ? (await deps.store.getPrivate(subject.id)).phone : undefined;
  const params: Record<string, Param> = {
    name: subject?.name ?? '',
    hood: findNeighbourhood(deps.network, subject?.place?.neighbourhoodId)?.hood.name ?? '',
    zone: findZone(deps.network, alert.zoneId)?.name ?? '',
    time: subject?.checkInTime ?? '',
    phone: phone ?? { t: 'profile.none' },
    role: subject?.role ? { t: `roles.${subject.role}` } : '',
  };
  const request = alert.requestId ? await deps.requests.getRequest(alert.requestId) : null;
  if (request) {
    params.category = { t: `categories.${request.category}` };
    params.when = whenParam(request);
  }
  const text = escalated ? 'alert.escalated' : `alert.card`;
  const second =
    request && alert.kind !== 'worried'
      ? { label: 'buttons.assignVolunteer', data: actionData('ra', request.id) }
      : { label: 'buttons.reachedAllWell', data: actionData('ar', alert.id) };
  return reply(
    text,
    { ...params, body: { t: `alert.kind.${alert.kind}`, params } },
    {
      buttons: [
        [{ label: 'buttons.handling', data: actionData('ak', alert.id) }],
        [second],
        ...(subject?.role === 'elder' && alert.kind === 'needsHelp'
          ? [[{ label: 'buttons.askVolunteer', data: actionData('rq', subject.id) }]]
          : subject?.role === 'elder' && !request
            ? [[{ label: 'buttons.checkInSettings', data: actionData('cs', subject.id) }]]
            : []),
      ],
    },
  );
}

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
    mediators.flatMap((m) => messagesTo(m, `${alert.id}.0`, [card, ...(input.extra ?? [])], input.emergency)),
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
export async function escalate(deps: AppDeps, timer: ClaimedTimer): Promise<void> {
  const { alertId, round } = timer.data as { alertId: string; round: number };
  const alert = await deps.alerts.getAlert(alertId);
  if (!alert || alert.state !== 'open') return;
  const subject = await deps.store.getPerson(alert.personId);
  const mediators = (await allMediators(deps)).filter((m) => m.id !== alert.personId);
  const card = await alertCard(deps, alert, subject, true);
  await deps.outbox.enqueue(mediators.flatMap((m) => messagesTo(m, `${alert.id}.${round}`, [card], true)));
  await deps.alerts.addNotified(
    alert.id,
    mediators.map((m) => m.id),
  );
  const { renotifyEveryMinutes, maxRenotify } = deps.network.alerts;
  if (round <= maxRenotify) {
    await deps.timers.schedule([
      {
        id: timerIds.escalate(alert.id, round + 1),
        kind: 'escalate',
        due: new Date(Date.parse(timer.due) + renotifyEveryMinutes * 60_000).toISOString(),
        data: { alertId, round: round + 1 },
      },
    ]);
  }
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
 * A mediator moves an alert (acknowledge or resolve): refused for anyone else;
 * "already done" when another mediator got there first; otherwise the others
 * who were told hear who did it.
 */
async function moveAlert(
  turn: Turn,
  alertId: string,
  move: 'acknowledge' | 'resolve',
  texts: { already: string; done: string; others: string },
  buttons?: Reply['buttons'],
): Promise<Alert | null> {
  const { deps } = turn;
  const found = canHandle(turn) ? await deps.alerts.getAlert(alertId) : null;
  // Their zone's alerts, or one escalated to them: a forged button for another zone changes nothing.
  const alert =
    found && (found.zoneId === turn.person.zoneId || found.notified.includes(turn.person.id)) ? found : null;
  if (!alert) {
    turn.say(reply('errors.notAllowed'));
    return null;
  }
  const subject = await deps.store.getPerson(alert.personId);
  const moved = await deps.alerts[move](alertId, turn.person.id, turn.now);
  const name = { name: subject?.name ?? '' };
  if (!moved) {
    turn.say(reply(texts.already, name, { edit: true }));
    return null;
  }
  turn.say(reply(texts.done, name, buttons ? { edit: true, buttons } : { edit: true }));
  await tellOthers(deps, moved, turn.person, texts.others, subject);
  return moved;
}

/** "I'm handling it": open → acknowledged; re-notification stops. */
export async function acknowledgeAlert(turn: Turn, alertId: string): Promise<void> {
  await moveAlert(
    turn,
    alertId,
    'acknowledge',
    { already: 'alert.alreadyHandled', done: 'alert.ackedByYou', others: 'alert.ackedBy' },
    [[{ label: 'buttons.reachedAllWell', data: actionData('ar', alertId) }]],
  );
}

/** "Reached: all well": the alert is resolved; a missed check-in is closed and everybody told. */
export async function resolveAlert(
  turn: Turn,
  alertId: string,
  closeCheckIn: (alert: Alert) => Promise<void>,
) {
  const resolved = await moveAlert(turn, alertId, 'resolve', {
    already: 'alert.alreadyResolved',
    done: 'alert.resolvedByYou',
    others: 'alert.resolvedBy',
  });
  if (resolved) await closeCheckIn(resolved);
}

/** `/alerts`: the zone's open and acknowledged alerts, each with its state and buttons. */
export async function listAlerts(turn: Turn): Promise<void> {
  const { deps, person } = turn;
  if (!canHandle(turn) || !person.zoneId) {
    turn.say(reply('errors.mediatorsOnly'));
    return;
  }
  const alerts = await deps.alerts.openAlerts(person.zoneId);
  if (!alerts.length) {
    turn.say(reply('alert.none'));
    return;
  }
  turn.say(reply('alert.count', { count: alerts.length }));
  for (const alert of alerts) {
    const subject = await deps.store.getPerson(alert.personId);
    const card = await alertCard(deps, alert, subject);
    const [by] = alert.ackBy ? await deps.store.getPeople([alert.ackBy]) : [];
    const state: Param = alert.ackBy
      ? {
          t: 'alert.state.acknowledged',
          params: {
            mediator: by?.name ?? '',
            at: alert.ackAt ? localTime(new Date(alert.ackAt), deps.network.timeZone) : '',
          },
        }
      : {
          t: 'alert.state.open',
          params: { at: localTime(new Date(alert.createdAt), deps.network.timeZone) },
        };
    turn.say({ ...card, text: 'alert.listed', params: { ...card.params, state } });
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
