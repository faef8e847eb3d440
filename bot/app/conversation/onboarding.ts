import { scheduleWeeklyFigures } from '../figures/figures.js';
import { findZone } from '../../domain/network.js';
import { parseInvitePayload } from '../../domain/invite.js';
import { weekdays, type Person, type VolunteerProfile } from '../../domain/person.js';
import { localDate, nextCheckIn } from '../../domain/schedule.js';
import { InviteUnavailableError } from '../../core/errors.js';
import { isLang } from '../../core/i18n.js';
import type { Draft } from '../../flows/draft.js';
import { nextOnboardingStep } from '../../flows/sequence.js';
import { reply } from '../../flows/types.js';
import { ask } from './conversation.js';
import { scheduleCheckIns } from '../checkins/checkins.js';
import { mainMenu } from './menu.js';
import { requestLink } from '../people/relatives.js';
import { notifyMediatorsOfVolunteer } from '../people/volunteers.js';
import type { Turn } from '../common/turn.js';

/** `/start` with or without a deep-link payload. */
export async function start(turn: Turn, payload: string): Promise<void> {
  const invite = payload ? parseInvitePayload(payload) : null;
  if (payload && !invite) turn.say(reply('invite.unavailable'));
  if (invite?.kind === 'mediator') return startAsMediator(turn, invite.code);
  if (invite?.kind === 'relative') return startAsRelative(turn, invite.code);
  if (turn.person.onboardedAt) {
    turn.endFlow();
    turn.say(...mainMenu(turn.person, reply('start.welcomeBack', { name: turn.person.name ?? '' })));
    return;
  }
  const lang = isLang(turn.hints.languageCode) ? turn.hints.languageCode : turn.deps.network.defaultLanguage;
  const first = nextOnboardingStep(null, {})!;
  turn.say(reply('start.welcome'));
  ask(turn, 'onboarding', first, { lang });
}

async function startAsMediator(turn: Turn, code: string): Promise<void> {
  if (turn.person.onboardedAt) {
    turn.say(reply('invite.alreadyRegistered'));
    return;
  }
  let zoneId: string | undefined;
  try {
    zoneId = (await turn.deps.store.claimInvite(code, 'mediator', turn.now)).zoneId;
  } catch (err) {
    if (!(err instanceof InviteUnavailableError)) throw err;
    turn.say(reply('invite.unavailable'));
    return;
  }
  const draft: Draft = { role: 'mediator', zoneId, invite: { kind: 'mediator', code, zoneId } };
  turn.say(reply('invite.mediatorWelcome', { zone: findZone(turn.deps.network, zoneId)?.name ?? '' }));
  ask(turn, 'onboarding', nextOnboardingStep(null, draft)!, draft);
}

async function startAsRelative(turn: Turn, code: string): Promise<void> {
  const { person } = turn;
  const invite = await turn.deps.store.getInvite(code);
  if (invite?.elderId === person.id) {
    turn.say(reply('invite.ownLink'));
    return;
  }
  if (person.onboardedAt && person.role !== 'relative') {
    turn.say(reply('invite.relativeOnly'));
    return;
  }
  let elderId: string | undefined;
  try {
    elderId = (await turn.deps.store.claimInvite(code, 'relative', turn.now)).elderId;
  } catch (err) {
    if (!(err instanceof InviteUnavailableError)) throw err;
    turn.say(reply('invite.unavailable'));
    return;
  }
  if (!elderId) return;
  if (person.onboardedAt) {
    await requestLink(turn, elderId);
    return;
  }
  const draft: Draft = { role: 'relative', invite: { kind: 'relative', code, elderId } };
  turn.say(reply('invite.relativeWelcome'));
  ask(turn, 'onboarding', nextOnboardingStep(null, draft)!, draft);
}

/** All questions answered and consent given: the person joins the network. */
export async function completeOnboarding(turn: Turn, draft: Draft): Promise<void> {
  const { store, network } = turn.deps;
  const now = turn.now.toISOString();
  const role = draft.role!;
  const person: Person = {
    ...turn.person,
    lang: isLang(draft.lang) ? draft.lang : turn.person.lang,
    role,
    name: draft.name!,
    consentAt: now,
    onboardedAt: now,
  };
  const zoneId = draft.place?.zoneId ?? draft.zoneId;
  if (zoneId && role !== 'relative') person.zoneId = zoneId;
  if (draft.place) person.place = draft.place;
  if (role === 'elder')
    person.checkInTime = draft.checkInTime === undefined ? network.checkIn.defaultTime : draft.checkInTime;
  if (role === 'volunteer') {
    const volunteer: VolunteerProfile = {
      status: 'pending',
      radiusKm: draft.radiusKm ?? network.volunteerRadiusKm[0]!,
      categories: draft.categories ?? [],
      days: draft.days ?? [],
      dayParts: draft.dayParts ?? [],
      languages: draft.languages ?? [person.lang],
    };
    person.volunteer = volunteer;
  }
  if (draft.address || draft.phone) {
    await store.savePrivate(person.id, {
      ...(draft.address ? { address: draft.address } : {}),
      ...(draft.phone ? { phone: draft.phone } : {}),
    });
  }
  await turn.savePerson(person);
  if (role === 'elder') await scheduleCheckIns(turn.deps, person, turn.now);
  if (role === 'mediator') await scheduleWeeklyFigures(turn.deps, turn.now);
  turn.endFlow();

  const done =
    role === 'elder' && !person.checkInTime
      ? 'onboarding.done.elderNoCheckIn'
      : role === 'elder' && firstCheckInToday(turn, person)
        ? 'onboarding.done.elderToday'
        : `onboarding.done.${role}`;
  const params = { name: person.name ?? '', time: person.checkInTime ?? '' };
  if (role === 'relative' && draft.invite?.elderId) {
    // Came through the elder's link: what follows is her confirmation, not "ask for a link".
    turn.say(reply(done, params, { keyboard: 'remove' }));
    await requestLink(turn, draft.invite.elderId);
    return;
  }
  turn.say(...mainMenu(person, reply(done, params)));
  if (role === 'volunteer') await notifyMediatorsOfVolunteer(turn.deps, person);
}

/** No consent, no data: everything collected so far is erased. */
export async function declineConsent(turn: Turn): Promise<void> {
  await turn.deps.store.erasePerson(turn.person.id);
  turn.erased = true;
  turn.say(reply('onboarding.consent.declined', undefined, { keyboard: 'remove' }));
}

/** Whether the first daily question comes later today (onboarding before the chosen time) rather than tomorrow. */
function firstCheckInToday(turn: Turn, person: Person): boolean {
  if (!person.checkInTime) return false;
  const { timeZone } = turn.deps.network;
  const next = nextCheckIn(
    { time: person.checkInTime, days: person.checkInDays ?? weekdays, absences: person.absences ?? [] },
    timeZone,
    turn.now,
  );
  return next?.localDate === localDate(turn.now, timeZone);
}
