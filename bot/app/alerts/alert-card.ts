import { lastAnswer, missedStreak, type Alert, type CheckIn } from '../../domain/alert.js';
import type { Person } from '../../domain/person.js';
import type { HelpRequest } from '../../domain/request.js';
import { localDay, localTime } from '../../domain/schedule.js';
import { findNeighbourhood, findZone } from '../../domain/network.js';
import { actionData } from '../../flows/button-data.js';
import { reply, type Button, type Param, type Reply } from '../../flows/types.js';
import type { DigestLine } from '../../core/outbound.js';
import type { AppDeps } from '../common/deps.js';
import { whenParam } from '../requests/request-text.js';

/** How many past check-ins a card reads for the streak and the last answer. */
const historyDays = 14;

export interface CardView {
  /** The mediator the card is for: the state line speaks to them. */
  viewerId?: string;
  /** Sent to every mediator because nobody took it in time. */
  escalated?: boolean;
}

const at = (deps: AppDeps, iso: string): { day: string; time: string } => ({
  day: localDay(new Date(iso), deps.network.timeZone),
  time: localTime(new Date(iso), deps.network.timeZone),
});

/** "for 25 min", "for 3 hours", "for 2 days": how long something has been waiting. */
function age(since: string, now: Date): Param {
  const minutes = Math.max(0, Math.floor((now.getTime() - Date.parse(since)) / 60_000));
  if (minutes < 60) return { t: 'alert.age.minutes', params: { count: minutes } };
  if (minutes < 48 * 60) return { t: 'alert.age.hours', params: { count: Math.floor(minutes / 60) } };
  return { t: 'alert.age.days', params: { count: Math.floor(minutes / 1440) } };
}

const phoneParam = (phone: string | undefined): Param => phone ?? { t: 'profile.none' };

/** Each confirmed relative with their phone and, for check-in alerts, what they were told and did. */
async function relativeLines(
  deps: AppDeps,
  alert: Alert,
  elderId: string,
  checkIn: CheckIn | null,
): Promise<Param[]> {
  const links = (await deps.store.listRelatives(elderId)).filter((l) => l.status === 'confirmed');
  if (!links.length) return [{ t: 'alert.line.noRelatives' }];
  const relatives = await deps.store.getPeople(links.map((l) => l.relativeId));
  const phones = await Promise.all(relatives.map((r) => deps.store.getPrivate(r.id)));
  const relativesRung = deps.network.checkIn.ladder.find((r) => r.rung === 'relatives');
  const lines: Param[] = [{ t: 'alert.line.relatives' }];
  relatives.forEach((r, i) => {
    let did: Param | undefined;
    if (checkIn?.answeredBy === r.id && checkIn.answeredAt)
      did = { t: 'alert.did.heard', params: at(deps, checkIn.answeredAt) };
    else if (alert.kind === 'needsHelp') did = { t: 'alert.did.told', params: at(deps, alert.createdAt) };
    else if (checkIn?.alerted.includes(r.id) && relativesRung) {
      const told = new Date(Date.parse(checkIn.promptedAt) + relativesRung.afterMinutes * 60_000);
      did = { t: 'alert.did.told', params: at(deps, told.toISOString()) };
    } else if (alert.kind === 'missedCheckIn') did = { t: 'alert.did.notTold' };
    const params = { name: r.name ?? '', phone: phoneParam(phones[i]?.phone) };
    lines.push(
      did
        ? { t: 'alert.line.relativeDid', params: { ...params, did } }
        : { t: 'alert.line.relative', params },
    );
  });
  return lines;
}

/** The elder's day-to-day: missed days in a row and the last answer. */
async function checkInLines(
  deps: AppDeps,
  alert: Alert,
  elder: Person,
): Promise<{ lines: Param[]; today: CheckIn | null }> {
  const recent = elder.checkInTime ? await deps.checkIns.recentCheckIns(elder.id, historyDays) : [];
  const today = alert.localDate ? (recent.find((c) => c.localDate === alert.localDate) ?? null) : null;
  const lines: Param[] = [];
  if (alert.kind === 'missedCheckIn' && alert.localDate) {
    const streak = missedStreak(recent, alert.localDate);
    if (streak > 1) lines.push({ t: 'alert.line.streak', params: { count: streak } });
  }
  if (elder.checkInTime) {
    const last = lastAnswer(recent);
    lines.push(
      last?.answeredAt
        ? {
            t: 'alert.line.lastAnswer',
            params: { ...at(deps, last.answeredAt), how: { t: `alert.answer.${last.state}` } },
          }
        : { t: 'alert.line.noAnswer' },
    );
  }
  return { lines, today };
}

/** Whose request, what, since when, and who said no. */
async function requestLines(deps: AppDeps, request: HelpRequest, now: Date): Promise<Param[]> {
  const ids = [request.createdBy, ...request.excluded];
  const people = new Map((await deps.store.getPeople([...new Set(ids)])).map((p) => [p.id, p]));
  const by = people.get(request.createdBy);
  const lines: Param[] = [
    {
      t: 'alert.line.request',
      params: {
        who: by?.name ?? '',
        role: by?.role ? { t: `roles.${by.role}` } : '',
        category: { t: `categories.${request.category}` },
        when: whenParam(request),
        ...at(deps, request.createdAt),
        age: age(request.createdAt, now),
      },
    },
  ];
  const declined = request.excluded.map((id) => people.get(id)?.name).filter((n): n is string => !!n);
  if (declined.length) lines.push({ t: 'alert.line.declined', params: { names: { list: declined } } });
  return lines;
}

/** The state line at the top of a card: who took it or closed it, and when. */
function stateLine(
  deps: AppDeps,
  alert: Alert,
  names: Map<string, string>,
  view: CardView,
  name: string,
): Param | null {
  if (alert.state === 'resolved' && alert.resolvedBy) {
    if (alert.resolvedBy === view.viewerId) return { t: 'alert.resolvedByYou', params: { name } };
    return { t: 'alert.resolvedBy', params: { mediator: names.get(alert.resolvedBy) ?? '', name } };
  }
  if (alert.state === 'acknowledged' && alert.ackBy) {
    if (alert.ackBy === view.viewerId) return { t: 'alert.ackedByYou', params: { name } };
    return {
      t: 'alert.state.acknowledged',
      params: { mediator: names.get(alert.ackBy) ?? '', at: alert.ackAt ? at(deps, alert.ackAt).time : '' },
    };
  }
  return null;
}

/** The buttons a card carries in its state: none once resolved; "Assign" stays on a request alert. */
function cardButtons(alert: Alert, subject: Person | null, request: HelpRequest | null): Button[][] {
  if (alert.state === 'resolved') return [];
  const assign =
    request && alert.kind !== 'worried' && request.state === 'open'
      ? [{ label: 'buttons.assignVolunteer', data: actionData('ra', request.id) }]
      : null;
  const close = {
    label: request && alert.kind !== 'worried' ? 'buttons.closeAlert' : 'buttons.reachedAllWell',
    data: actionData('ar', alert.id),
  };
  const rows: Button[][] = [];
  if (alert.state === 'open') rows.push([{ label: 'buttons.handling', data: actionData('ak', alert.id) }]);
  if (assign) rows.push(assign);
  if (!assign || alert.state === 'acknowledged') rows.push([close]);
  if (subject?.role === 'elder' && alert.kind === 'needsHelp')
    rows.push([{ label: 'buttons.askVolunteer', data: actionData('rq', subject.id) }]);
  else if (subject?.role === 'elder' && !request)
    rows.push([{ label: 'buttons.checkInSettings', data: actionData('cs', subject.id) }]);
  return rows.slice(0, 3);
}

/**
 * The card a mediator gets for an alert: what happened, to whom, how to reach
 * them (address and phone stay on it whatever its state), the relatives and
 * what they did, the missed days in a row, the request and who said no, and
 * the buttons that fit its state.
 */
export async function alertCard(
  deps: AppDeps,
  alert: Alert,
  subject: Person | null,
  view: CardView = {},
): Promise<Reply> {
  const details = subject ? await deps.store.getPrivate(subject.id) : {};
  const request = alert.requestId ? await deps.requests.getRequest(alert.requestId) : null;
  const name = subject?.name ?? '';
  const zone = findZone(deps.network, alert.zoneId)?.name ?? '';
  const params: Record<string, Param> = {
    name,
    hood: findNeighbourhood(deps.network, subject?.place?.neighbourhoodId)?.hood.name ?? '',
    zone,
    time: subject?.checkInTime ?? '',
    phone: phoneParam(details.phone),
    role: subject?.role ? { t: `roles.${subject.role}` } : '',
    volunteer: '',
  };
  const more: Param[] = [{ t: 'alert.line.zone', params: { zone } }];
  if (details.address) more.push({ t: 'alert.line.address', params: { address: details.address } });
  if (request) {
    params.category = { t: `categories.${request.category}` };
    params.when = whenParam(request);
    if (alert.kind === 'worried' && request.assignedTo) {
      const [volunteer] = await deps.store.getPeople([request.assignedTo]);
      const phone = (await deps.store.getPrivate(request.assignedTo)).phone;
      params.volunteer = volunteer?.name ?? '';
      more.push({
        t: 'alert.line.volunteer',
        params: { name: volunteer?.name ?? '', phone: phoneParam(phone) },
      });
    } else more.push(...(await requestLines(deps, request, deps.clock.now())));
  }
  if (subject?.role === 'elder') {
    const { lines, today } = await checkInLines(deps, alert, subject);
    more.push(...lines, ...(await relativeLines(deps, alert, subject.id, today)));
  }
  const movers = [alert.ackBy, alert.resolvedBy].filter((id): id is string => !!id);
  const names = new Map(
    (movers.length ? await deps.store.getPeople(movers) : []).map((p) => [p.id, p.name ?? '']),
  );
  const state = stateLine(deps, alert, names, view, name);
  const buttons = cardButtons(alert, subject, request);
  const text = state ? 'alert.listed' : view.escalated ? 'alert.escalated' : 'alert.card';
  return reply(
    text,
    {
      ...params,
      body: { t: `alert.kind.${alert.kind}`, params },
      more: { lines: more },
      ...(state ? { state } : {}),
    },
    buttons.length ? { buttons } : {},
  );
}

/** The "open since" line of `/alerts`, with the day. */
export function openSince(deps: AppDeps, alert: Alert): Param {
  return { t: 'alert.state.open', params: at(deps, alert.createdAt) };
}

/**
 * A card as its line in a digest (several waiting for one mediator at once): what the card's
 * first line says (who, what, the neighbourhood; escalated, the zone too) and nothing more, with
 * a button that opens the card itself, as it stands when pressed.
 */
export function cardLine(alert: Alert, card: Reply, escalated = false): DigestLine {
  const { body = '', zone = '', name = '' } = card.params ?? {};
  return {
    text: escalated ? { t: 'digest.escalated', params: { zone, body } } : body,
    open: { label: 'buttons.openAlert', params: { name }, data: actionData('ao', alert.id) },
  };
}
