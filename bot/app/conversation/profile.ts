import type { Person } from '../../domain/person.js';
import { actionData, profileData } from '../../flows/button-data.js';
import { firstName } from '../../domain/person.js';
import { scheduleCheckIns } from '../checkins/checkins.js';
import { messagesTo } from '../common/notify.js';
import type { Draft } from '../../flows/draft.js';
import { isStepId } from '../../flows/steps.js';
import { editableSteps } from '../../flows/sequence.js';
import { reply, type Param } from '../../flows/types.js';
import { findNeighbourhood, findZone } from '../../domain/network.js';
import { isLang } from '../../core/i18n.js';
import { ask } from './conversation.js';
import { notifyMediatorsOfVolunteer, pendingAfterMove } from '../people/volunteers.js';
import type { Turn } from '../common/turn.js';

const none: Param = { t: 'profile.none' };
const list = (prefix: string, values: string[] | undefined): Param =>
  values?.length ? { list: values.map((x) => ({ t: `${prefix}.${x}` })) } : none;

/** `/profile`: what is stored about the person, with a button for each part they can change. */
export async function showProfile(turn: Turn): Promise<void> {
  const { person, deps } = turn;
  if (!person.onboardedAt || !person.role) {
    turn.say(reply('errors.finishFirst'));
    return;
  }
  const priv = await deps.store.getPrivate(person.id);
  const hood = findNeighbourhood(deps.network, person.place?.neighbourhoodId)?.hood.name;
  const v = person.volunteer;
  const params: Record<string, Param> = {
    name: person.name ?? '',
    language: { t: `languages.${person.lang}` },
    zone: findZone(deps.network, person.zoneId)?.name ?? none,
    hood: hood ?? none,
    place:
      person.place?.source === 'location'
        ? { t: 'profile.sharedLocation', params: { hood: hood ?? '' } }
        : (hood ?? none),
    address: priv.address ?? none,
    phone: priv.phone ?? none,
    checkIn: scheduleSummary(person),
    status: v ? { t: `volunteer.status.${v.status}` } : none,
    radius: v?.radiusKm ?? 0,
    categories: list('categories', v?.categories),
    days: list('days', v?.days),
    parts: list('dayParts', v?.dayParts),
    languages: list('languages', v?.languages),
  };
  const buttons = (editableSteps[person.role] ?? []).map((step) => [
    { label: `profile.edit.${step}`, data: profileData(step) },
  ]);
  turn.say(reply(`profile.${person.role}`, params, { buttons }));
  // Where to find the way back after "Stop these messages" under a mediator's broadcast.
  if (person.broadcastsOff) {
    turn.say(
      reply('broadcast.offInProfile', undefined, {
        buttons: [[{ label: 'buttons.resumeBroadcasts', data: actionData('bo') }]],
      }),
    );
  }
}

function draftFromPerson(person: Person): Draft {
  const v = person.volunteer;
  return {
    lang: person.lang,
    role: person.role,
    name: person.name,
    zoneId: person.zoneId,
    place: person.place,
    checkInTime: person.checkInTime,
    ...(v
      ? {
          radiusKm: v.radiusKm,
          categories: v.categories,
          days: v.days,
          dayParts: v.dayParts,
          languages: v.languages,
        }
      : {}),
  };
}

/** A profile button or `/language`: ask just that question again. */
export async function startEdit(turn: Turn, step: string): Promise<void> {
  const { person } = turn;
  const allowed = step === 'lang' || (person.role && editableSteps[person.role]?.includes(step as never));
  if (!person.onboardedAt || !allowed || !isStepId(step)) {
    turn.say(reply(person.onboardedAt ? 'errors.notAllowed' : 'errors.finishFirst'));
    return;
  }
  const priv = step === 'addr' || step === 'phone' ? await turn.deps.store.getPrivate(person.id) : {};
  ask(turn, 'edit', step, { ...draftFromPerson(person), address: priv.address, phone: priv.phone });
}

/** The edited answers are stored; the rest of the profile stays as it was. */
export async function applyEdit(turn: Turn, draft: Draft): Promise<void> {
  if (draft.subjectId && draft.subjectId !== turn.person.id) return applyScheduleForOther(turn, draft);
  const { person, deps } = turn;
  const step = turn.step;
  const edited: Person = {
    ...person,
    name: draft.name ?? person.name,
    lang: isLang(draft.lang) ? draft.lang : person.lang,
  };
  if (draft.place && person.role !== 'relative' && person.role !== 'mediator') {
    edited.place = draft.place;
    edited.zoneId = draft.place.zoneId;
  }
  if (person.role === 'elder') Object.assign(edited, scheduleFields(person, draft));
  if (person.volunteer) {
    edited.volunteer = {
      ...person.volunteer,
      radiusKm: draft.radiusKm ?? person.volunteer.radiusKm,
      categories: draft.categories ?? person.volunteer.categories,
      days: draft.days ?? person.volunteer.days,
      dayParts: draft.dayParts ?? person.volunteer.dayParts,
      languages: draft.languages ?? person.volunteer.languages,
    };
  }
  if (step === 'addr' || step === 'phone') {
    // One field, written in the turn's commit: the other one is neither read nor rewritten.
    const value = step === 'addr' ? draft.address : draft.phone;
    turn.write({
      kind: 'private',
      personId: person.id,
      field: step === 'addr' ? 'address' : 'phone',
      value: value || undefined,
    });
  }
  const updated = pendingAfterMove(person, edited);
  await turn.savePerson(updated);
  // The next prompt moves only when what it is computed from did (not on a new address or name).
  if (updated.role === 'elder' && scheduleChanged(person, updated))
    await scheduleCheckIns(deps, updated, turn.now);
  turn.endFlow();
  const keyboard = updated.role === 'elder' ? 'elder' : 'remove';
  if (updated !== edited) {
    // Another zone: its mediators review her as they would a new volunteer.
    await notifyMediatorsOfVolunteer(deps, updated);
    const zone = findZone(deps.network, updated.zoneId)?.name ?? '';
    turn.say(reply('volunteer.movedZone', { zone }, { keyboard }));
    return;
  }
  turn.say(reply('profile.saved', undefined, { keyboard }));
}

/** Whether the elder's next prompt may have moved: what `nextPrompt` reads changed. */
function scheduleChanged(before: Person, after: Person): boolean {
  const of = (p: Person) =>
    JSON.stringify([
      p.role,
      !!p.onboardedAt,
      p.checkInTime ?? null,
      p.checkInDays ?? null,
      p.absences ?? null,
    ]);
  return of(before) !== of(after);
}

function scheduleFields(elder: Person, draft: Draft): Partial<Person> {
  return {
    checkInTime: draft.checkInTime === undefined ? elder.checkInTime : draft.checkInTime,
    ...(draft.checkInDays ? { checkInDays: draft.checkInDays } : {}),
    ...(draft.absences ? { absences: draft.absences } : {}),
  };
}

/** A relative or mediator changed an elder's check-ins: saved, rescheduled, and the elder told. */
async function applyScheduleForOther(turn: Turn, draft: Draft): Promise<void> {
  const { deps } = turn;
  const elder = await scheduleSubject(turn, draft.subjectId!);
  turn.endFlow();
  if (!elder) {
    turn.say(reply('errors.notAllowed'));
    return;
  }
  const updated = { ...elder, ...scheduleFields(elder, draft) };
  await deps.store.savePerson(updated, elder);
  await scheduleCheckIns(deps, updated, turn.now);
  turn.say(reply('schedule.savedFor', { name: firstName(elder) }));
  const notice = reply('schedule.changedBy', {
    by: turn.person.name ?? '',
    summary: scheduleSummary(updated),
  });
  await deps.outbox.enqueue(messagesTo(updated, `sched.${elder.id}.${turn.now.getTime()}`, [notice]));
}

/** The elder whose check-ins the presser may change: their own, a confirmed relative's elder, or an elder of a mediator's zone. */
export async function scheduleSubject(turn: Turn, elderId: string): Promise<Person | null> {
  const { person, deps } = turn;
  if (elderId === person.id) return person.role === 'elder' ? person : null;
  const elder = await deps.store.getPerson(elderId);
  if (!elder || elder.role !== 'elder' || !elder.onboardedAt) return null;
  if (person.role === 'mediator' && person.onboardedAt && person.zoneId === elder.zoneId) return elder;
  if (person.role === 'relative') {
    const link = await deps.store.getLink(elderId, person.id);
    if (link?.status === 'confirmed') return elder;
  }
  return null;
}

/** A one-line description of an elder's check-ins, for messages. */
export function scheduleSummary(elder: Person): Param {
  if (!elder.checkInTime) return { t: 'schedule.off' };
  const days = elder.checkInDays && elder.checkInDays.length < 7 ? elder.checkInDays : null;
  const pause = elder.absences?.at(-1);
  return {
    t: days ? 'schedule.onDays' : 'schedule.everyDay',
    params: {
      time: elder.checkInTime,
      days: { list: (days ?? []).map((d) => ({ t: `days.${d}` })) },
      pause: pause
        ? { t: 'schedule.pausedUntil', params: { from: { date: pause.from }, to: { date: pause.to } } }
        : '',
    },
  };
}

/** A relative's or mediator's menu for one elder's check-ins. */
export async function scheduleMenu(turn: Turn, elderId: string): Promise<void> {
  const elder = await scheduleSubject(turn, elderId);
  if (!elder) {
    turn.say(reply('errors.notAllowed'));
    return;
  }
  turn.say(
    reply(
      'schedule.menu',
      { name: elder.name ?? '', summary: scheduleSummary(elder) },
      {
        buttons: [
          [{ label: 'profile.edit.time', data: actionData('ct', elder.id) }],
          [{ label: 'profile.edit.pfrom', data: actionData('cp', elder.id) }],
        ],
      },
    ),
  );
}

/** Starts editing an elder's time or pause on their behalf. */
export async function startScheduleEdit(turn: Turn, elderId: string, step: 'time' | 'pfrom'): Promise<void> {
  const elder = await scheduleSubject(turn, elderId);
  if (!elder) {
    turn.say(reply('errors.notAllowed'));
    return;
  }
  ask(turn, 'edit', step, {
    subjectId: elder.id,
    checkInTime: elder.checkInTime,
    checkInDays: elder.checkInDays,
    absences: elder.absences,
  });
}
