import { alertIds, wasMissed, type Alert, type CheckIn } from '../../domain/alert.js';
import type { Rung } from '../../domain/network.js';
import { firstName, type Person } from '../../domain/person.js';
import { afterQuiet, isQuiet, localDate, localTime, minuteKey } from '../../domain/schedule.js';
import { timerIds } from '../../domain/timer.js';
import { actionData } from '../../flows/button-data.js';
import { reply, type Reply } from '../../flows/types.js';
import { findNeighbourhood } from '../../domain/network.js';
import type { Claimed, ClaimedTimer } from '../../core/ports.js';
import { answerButtons, nextPrompt } from './prompt.js';
import { raiseAlert, refreshCards } from '../alerts/alerts.js';
import type { AppDeps } from '../common/deps.js';
import { mediatorsFor, messagesTo, relativesOf } from '../common/notify.js';
import type { Turn } from '../common/turn.js';

export { answerButtons };

/** (Re)schedules an elder's next prompt from their profile; none when check-ins are off. */
export async function scheduleCheckIns(deps: AppDeps, elder: Person, now: Date): Promise<void> {
  const next = nextPrompt(deps, elder, now);
  if (next) await deps.timers.schedule([next]);
  else await deps.timers.cancel([timerIds.prompt(elder.id)]);
}

/** Elders and volunteers hear nothing but emergencies in quiet hours: the timer waits for their end. */
async function heldForQuietHours(deps: AppDeps, timer: ClaimedTimer, now: Date): Promise<boolean> {
  const { quietHours, timeZone } = deps.network;
  if (!isQuiet(now, quietHours, timeZone)) return false;
  await deps.timers.schedule([{ ...timer, due: afterQuiet(now, quietHours, timeZone).toISOString() }]);
  return true;
}

/**
 * When a rung is due: its minutes from when the prompt was sent (the morning wave
 * takes time to go out), the zone mediator's at the first rung's on a second
 * missed day in a row. Not sent yet: looked at again later, and at most
 * `unsentWaitMinutes` past its time it goes anyway (the sender gave no word).
 */
function rungDue(
  deps: AppDeps,
  rung: Rung,
  checkIn: CheckIn,
  previous: CheckIn | undefined,
  now: Date,
): Date {
  const ladder = deps.network.checkIn.ladder;
  const soonest = ladder[0]?.afterMinutes ?? 30;
  const minutes =
    rung === 'zoneMediator' && previous && wasMissed(previous)
      ? soonest
      : (ladder.find((r) => r.rung === rung)?.afterMinutes ?? soonest);
  if (checkIn.sentAt) return new Date(Date.parse(checkIn.sentAt) + minutes * 60_000);
  const latest = Date.parse(checkIn.promptedAt) + (minutes + unsentWaitMinutes) * 60_000;
  return new Date(Math.min(latest, now.getTime() + unsentRecheckMinutes * 60_000));
}

/** How long a rung waits for a prompt the sender has not reported on, and how often it looks. */
const unsentWaitMinutes = 120;
const unsentRecheckMinutes = 10;

/** Rung timer: one step of the ladder, only while the check-in is still unanswered. */
export async function fireRung(deps: AppDeps, timer: Claimed<'rung'>, now: Date): Promise<void> {
  const { elderId, localDate: day, rung } = timer.data;
  // The day's check-in and the one before, in one query.
  const recent = await deps.checkIns.recentCheckIns(elderId, 2);
  const at = recent.findIndex((c) => c.localDate === day);
  const checkIn = at >= 0 ? recent[at] : await deps.checkIns.getCheckIn(elderId, day);
  if (!checkIn || checkIn.state !== 'prompted' || checkIn.rungsDone.includes(rung)) return;
  const due = rungDue(deps, rung, checkIn, at >= 0 ? recent[at + 1] : undefined, now);
  if (due.getTime() > now.getTime()) {
    await deps.timers.schedule([{ id: timer.id, kind: 'rung', due: due.toISOString(), data: timer.data }]);
    return;
  }
  const elder = await deps.store.getPerson(elderId);
  if (!elder) return;
  const params = { name: firstName(elder), fullName: elder.name ?? '', time: elder.checkInTime ?? '' };
  if (rung === 'reminder') {
    if (await heldForQuietHours(deps, timer, now)) return;
    await deps.outbox.enqueue(
      messagesTo(elder, `chk.${day}.reminder`, [
        reply('checkin.reminder', params, { buttons: answerButtons(day) }),
      ]),
    );
    await deps.checkIns.recordRung(elderId, day, rung, []);
  } else if (rung === 'relatives') {
    const relatives = await relativesOf(deps, elderId);
    const phone = (await deps.store.getPrivate(elderId)).phone;
    const card = reply(
      'checkin.missedRelative',
      { ...params, phone: phone ?? { t: 'profile.none' } },
      { buttons: [[{ label: 'buttons.heardAllWell', data: actionData('hw', elderId) }]] },
    );
    const wrote = signOfLife(deps, checkIn, elder);
    await deps.outbox.enqueue(
      relatives.flatMap((r) => messagesTo(r, `chk.${elderId}.${day}.rel`, [card, ...wrote])),
    );
    await deps.checkIns.recordRung(
      elderId,
      day,
      rung,
      relatives.map((r) => r.id),
    );
  } else {
    const { alert, told } = await raiseAlert(
      deps,
      {
        kind: 'missedCheckIn',
        id: alertIds.missedCheckIn(elderId, day),
        subject: elder,
        zoneId: elder.zoneId ?? '',
        localDate: day,
        extra: signOfLife(deps, checkIn, elder),
      },
      now,
    );
    await deps.checkIns.recordRung(
      elderId,
      day,
      rung,
      told.map((m) => m.id),
      alert.id,
    );
  }
}

/** What the elder sent that was not an answer, for the people the ladder reaches: they judge. */
export function signOfLife(deps: AppDeps, checkIn: CheckIn, elder: Person): Reply[] {
  const sign = checkIn.wrote;
  if (!sign) return [];
  const params = { name: firstName(elder), time: localTime(new Date(sign.at), deps.network.timeZone) };
  if (sign.kind === 'text') return [reply('checkin.wrote', { ...params, text: sign.text ?? '' })];
  if (sign.kind === 'voice' && sign.voice)
    return [reply('checkin.wroteVoice', params, { voice: sign.voice })];
  return [reply('checkin.wroteOther', params)];
}

/** Everyone already told of a missed check-in hears that all is well. */
async function tellAllWell(deps: AppDeps, checkIn: CheckIn, elder: Person, by: Person) {
  let told = checkIn.alerted;
  if (checkIn.alertId) {
    const alert = await deps.alerts.resolve(
      checkIn.alertId,
      by.id,
      deps.clock.now(),
      deps.network.alerts.retentionDays,
    );
    if (alert) await refreshCards(deps, alert, by.id);
    told = [...told, ...(alert?.notified ?? [])];
  }
  const people = (await deps.store.getPeople([...new Set(told)])).filter((p) => p.id !== by.id);
  const text = by.id === elder.id ? 'checkin.allWell' : 'checkin.allWellHeard';
  const message = reply(text, { name: firstName(elder), fullName: elder.name ?? '', by: by.name ?? '' });
  await deps.outbox.enqueue(
    people.flatMap((p) => messagesTo(p, `chk.${elder.id}.${checkIn.localDate}.well`, [message])),
  );
}

/** The open check-in of an elder, if the newest one is still unanswered. */
export async function openCheckIn(deps: AppDeps, elderId: string): Promise<CheckIn | null> {
  const latest = await deps.checkIns.latestCheckIn(elderId);
  return latest?.state === 'prompted' ? latest : null;
}

/**
 * Where the answer came from the prompt's own button: the prompt is edited to show the
 * question and the answer (its buttons gone), followed by what the bot says back; elsewhere
 * (the big keyboard button, WhatsApp, typed words) only what the bot says back.
 */
function answeringPrompt(elder: Person, answer: string, said: Reply, fromPrompt: boolean): Reply {
  if (!fromPrompt) return said;
  return reply(
    'common.answeredThen',
    {
      question: { t: 'checkin.prompt', params: { name: firstName(elder) } },
      answer: { t: answer },
      then: { t: said.text, ...(said.params ? { params: said.params } : {}) },
    },
    { edit: true, orNew: said, ...(said.buttons ? { buttons: said.buttons } : {}) },
  );
}

/** "I'm fine" (the prompt's button, the big keyboard button or typed words). */
export async function elderIsFine(turn: Turn, fromPrompt = false): Promise<void> {
  const { person, deps } = turn;
  if (person.role !== 'elder' || !person.onboardedAt) {
    turn.say(reply('errors.eldersOnly'));
    return;
  }
  const open = await openCheckIn(deps, person.id);
  const closed = open
    ? await deps.checkIns.closeCheckIn(person.id, open.localDate, 'fine', person.id, turn.now)
    : null;
  if (closed) await tellAllWell(deps, closed, person, person);
  turn.say(answeringPrompt(person, 'keyboard.elderOk', reply('elder.fineThanks'), fromPrompt));
}

/** "I need help": relatives and the zone's mediators are alerted at once, whatever the hour. */
export async function elderNeedsHelp(turn: Turn, fromPrompt = false): Promise<void> {
  const { person, deps } = turn;
  if (person.role !== 'elder' || !person.onboardedAt) {
    turn.say(reply('errors.eldersOnly'));
    return;
  }
  const open = await openCheckIn(deps, person.id);
  if (open) await deps.checkIns.closeCheckIn(person.id, open.localDate, 'help', person.id, turn.now);
  const key = minuteKey(turn.now);
  const { told } = await raiseAlert(
    deps,
    {
      kind: 'needsHelp',
      id: alertIds.needsHelp(person.id, key),
      subject: person,
      zoneId: person.zoneId ?? '',
      emergency: true,
    },
    turn.now,
  );
  const relatives = await relativesOf(deps, person.id);
  const hood = findNeighbourhood(deps.network, person.place?.neighbourhoodId)?.hood.name ?? '';
  const phone = (await deps.store.getPrivate(person.id)).phone;
  const card = reply(
    'elder.helpAlertRelative',
    { name: firstName(person), hood, phone: phone ?? { t: 'profile.none' } },
    { buttons: [[{ label: 'buttons.heardAllWell', data: actionData('hw', person.id) }]] },
  );
  await deps.outbox.enqueue(
    relatives.flatMap((r) => messagesTo(r, `help.${person.id}.${key}`, [card], true)),
  );
  const sent = reply(
    'elder.helpSent',
    { count: relatives.length + told.length },
    { buttons: [[{ label: 'buttons.askVolunteer', data: actionData('rq') }]] },
  );
  turn.say(answeringPrompt(person, 'keyboard.elderHelp', sent, fromPrompt));
}

/** A relative or mediator heard from the elder: the check-in closes as if the elder answered. */
export async function heardFromElder(turn: Turn, elderId: string): Promise<void> {
  const { person, deps } = turn;
  const isMediator = person.role === 'mediator' && !!person.onboardedAt;
  const link = person.role === 'relative' ? await deps.store.getLink(elderId, person.id) : null;
  const found = isMediator || link?.status === 'confirmed' ? await deps.store.getPerson(elderId) : null;
  const open = found ? await openCheckIn(deps, elderId) : null;
  // A mediator acts for the elders of their zone, or for one whose alert was escalated to them.
  const escalated = async () => {
    const alert = open?.alertId ? await deps.alerts.getAlert(open.alertId) : null;
    return !!alert?.notified.includes(person.id);
  };
  const elder =
    found && (!isMediator || found.zoneId === person.zoneId || (await escalated())) ? found : null;
  if (!elder) {
    turn.say(reply('errors.notAllowed'));
    return;
  }
  const closed = open
    ? await deps.checkIns.closeCheckIn(elderId, open.localDate, 'heard', person.id, turn.now)
    : null;
  if (closed) await tellAllWell(deps, closed, elder, person);
  else {
    // No check-in open (a help request, say): resolve today's open alerts about the elder too.
    const alert = await latestOpenHelpAlert(deps, elder);
    if (alert) await deps.alerts.resolve(alert.id, person.id, turn.now, deps.network.alerts.retentionDays);
  }
  turn.say(reply('checkin.heardThanks', { name: firstName(elder) }, { edit: true }));
}

async function latestOpenHelpAlert(deps: AppDeps, elder: Person): Promise<Alert | undefined> {
  if (!elder.zoneId) return undefined;
  return (await deps.alerts.openAlerts(elder.zoneId)).find(
    (a) => a.personId === elder.id && a.kind === 'needsHelp',
  );
}

/** A missed-check-in alert resolved by a mediator closes the check-in and tells the relatives. */
export async function closeCheckInForAlert(deps: AppDeps, alert: Alert, by: Person): Promise<void> {
  if (alert.kind !== 'missedCheckIn' || !alert.localDate) return;
  const elder = await deps.store.getPerson(alert.personId);
  const closed = await deps.checkIns.closeCheckIn(
    alert.personId,
    alert.localDate,
    'heard',
    by.id,
    deps.clock.now(),
  );
  if (closed && elder) await tellAllWell(deps, closed, elder, by);
}

export { localDate, mediatorsFor };
