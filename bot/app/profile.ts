import type { Person } from '../domain/person.js';
import { profileData } from '../flows/button-data.js';
import type { Draft } from '../flows/draft.js';
import { editableSteps, isStepId } from '../flows/steps.js';
import { reply, type Param } from '../flows/types.js';
import { findNeighbourhood, findZone } from '../network.js';
import { isLang } from '../i18n.js';
import { ask } from './conversation.js';
import type { Turn } from './turn.js';

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
    checkIn: person.checkInTime ?? { t: 'profile.noCheckIn' },
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
  const { person, deps } = turn;
  const step = turn.step;
  const updated: Person = {
    ...person,
    name: draft.name ?? person.name,
    lang: isLang(draft.lang) ? draft.lang : person.lang,
  };
  if (draft.place && person.role !== 'relative' && person.role !== 'mediator') {
    updated.place = draft.place;
    updated.zoneId = draft.place.zoneId;
  }
  if (person.role === 'elder' && draft.checkInTime !== undefined) updated.checkInTime = draft.checkInTime;
  if (person.volunteer) {
    updated.volunteer = {
      ...person.volunteer,
      radiusKm: draft.radiusKm ?? person.volunteer.radiusKm,
      categories: draft.categories ?? person.volunteer.categories,
      days: draft.days ?? person.volunteer.days,
      dayParts: draft.dayParts ?? person.volunteer.dayParts,
      languages: draft.languages ?? person.volunteer.languages,
    };
  }
  if (step === 'addr' || step === 'phone') {
    const priv = await deps.store.getPrivate(person.id);
    const field = step === 'addr' ? 'address' : 'phone';
    const value = step === 'addr' ? draft.address : draft.phone;
    const next = { ...priv };
    if (value) next[field] = value;
    else delete next[field];
    await deps.store.savePrivate(person.id, next);
  }
  await turn.savePerson(updated);
  turn.endFlow();
  turn.say(reply('profile.saved', undefined, { keyboard: updated.role === 'elder' ? 'elder' : 'remove' }));
}
