import type { Person } from '../../domain/person.js';
import { AlreadyDecidedError } from '../../core/errors.js';
import { actionData } from '../../flows/button-data.js';
import { reply, type Param, type Reply } from '../../flows/types.js';
import { findNeighbourhood, findZone } from '../../domain/network.js';
import type { AppDeps } from '../common/deps.js';
import { messagesTo } from '../common/notify.js';
import type { Turn } from '../common/turn.js';

/** The review card a mediator gets for a pending volunteer: what they entered, phone included, and Approve / Reject. */
async function reviewCard(deps: AppDeps, volunteer: Person): Promise<Reply> {
  const v = volunteer.volunteer!;
  const phone = (await deps.store.getPrivate(volunteer.id)).phone;
  const hood = findNeighbourhood(deps.network, volunteer.place?.neighbourhoodId)?.hood.name ?? '';
  const list = (prefix: string, values: string[]): Param => ({
    list: values.map((x) => ({ t: `${prefix}.${x}` })),
  });
  return reply(
    'volunteer.review',
    {
      name: volunteer.name ?? '',
      hood,
      zone: findZone(deps.network, volunteer.zoneId)?.name ?? '',
      radius: v.radiusKm,
      categories: list('categories', v.categories),
      days: list('days', v.days),
      parts: list('dayParts', v.dayParts),
      languages: list('languages', v.languages),
      phone: phone ?? { t: 'profile.none' },
    },
    {
      buttons: [
        [{ label: 'buttons.approve', data: actionData('va', volunteer.id) }],
        [{ label: 'buttons.reject', data: actionData('vr', volunteer.id) }],
      ],
    },
  );
}

async function zoneMediators(deps: AppDeps, zoneId: string | undefined): Promise<Person[]> {
  if (!zoneId) return [];
  return (await deps.store.listPeople(zoneId, 'mediator')).filter((m) => m.onboardedAt);
}

/** A new volunteer is pending: every mediator of their zone gets the review card. */
export async function notifyMediatorsOfVolunteer(deps: AppDeps, volunteer: Person): Promise<void> {
  for (const mediator of await zoneMediators(deps, volunteer.zoneId)) {
    await deps.messenger.send(mediator, [await reviewCard(deps, volunteer)]);
  }
}

/**
 * Approval is per zone: a volunteer whose place moves into another zone is pending there (out of the
 * geo index, since its keys follow the status, until that zone's mediators approve). A rejected or
 * suspended volunteer stays so; a move within the zone changes nothing.
 */
export function pendingAfterMove(before: Person, after: Person): Person {
  const v = after.volunteer;
  if (!v || before.zoneId === after.zoneId || (v.status !== 'approved' && v.status !== 'pending'))
    return after;
  const { decidedBy: _by, decidedAt: _at, ...rest } = v;
  return { ...after, volunteer: { ...rest, status: 'pending' } };
}

/** `/pending`: a mediator's review cards for their zone's pending volunteers. */
export async function listPending(turn: Turn): Promise<void> {
  const { person, deps } = turn;
  if (person.role !== 'mediator' || !person.onboardedAt || !person.zoneId) {
    turn.say(reply('errors.mediatorsOnly'));
    return;
  }
  const pending = await deps.store.listPeople(person.zoneId, 'volunteer', 'pending');
  if (pending.length === 0) {
    turn.say(reply('mediator.noPending'));
    return;
  }
  turn.say(reply('mediator.pendingCount', { count: pending.length }));
  turn.say(...(await Promise.all(pending.map((v) => reviewCard(deps, v)))));
}

/** Approve or Reject pressed: only a mediator of the volunteer's zone may decide, once. */
export async function decideVolunteer(turn: Turn, volunteerId: string, approve: boolean): Promise<void> {
  const { person: mediator, deps } = turn;
  const volunteer = await deps.store.getPerson(volunteerId);
  const allowed =
    mediator.role === 'mediator' &&
    !!mediator.onboardedAt &&
    volunteer?.role === 'volunteer' &&
    volunteer.zoneId === mediator.zoneId;
  if (!allowed || !volunteer) {
    turn.say(reply('errors.notAllowed'));
    return;
  }
  const status = approve ? 'approved' : 'rejected';
  try {
    const decided = await deps.store.decideVolunteer(volunteerId, status, mediator.id, turn.now);
    turn.say(
      reply(
        approve ? 'volunteer.approvedCard' : 'volunteer.rejectedCard',
        { name: volunteer.name ?? '' },
        { edit: true },
      ),
    );
    await followDecision(deps, decided, volunteer);
  } catch (err) {
    if (!(err instanceof AlreadyDecidedError)) throw err;
    // Decided as asked already: a re-run of this turn after a fault (the first run's notice never
    // went out, its index keys may be missing), or a second press. What follows the decision is
    // done again, under ids that make it happen once.
    const current = await deps.store.getPerson(volunteerId);
    if (current?.volunteer?.status === status) {
      await followDecision(deps, current, {
        ...current,
        volunteer: { ...current.volunteer, status: 'pending' },
      });
    }
    turn.say(reply('volunteer.alreadyDecided', { name: volunteer.name ?? '' }, { edit: true }));
  }
}

/**
 * What follows a decision: an approved volunteer's index keys (written from the profile as decided,
 * against `before`), and the volunteer's notice, one per decision (its time names it) whatever turn sends it.
 */
async function followDecision(deps: AppDeps, decided: Person, before: Person): Promise<void> {
  const approved = decided.volunteer?.status === 'approved';
  if (approved) await deps.store.savePerson(decided, before);
  await deps.outbox.enqueue(
    messagesTo(
      decided,
      `decided.${decided.id}.${decided.volunteer?.status ?? ''}.${decided.volunteer?.decidedAt ?? ''}`,
      [reply(approved ? 'volunteer.approved' : 'volunteer.rejected')],
    ),
  );
}
