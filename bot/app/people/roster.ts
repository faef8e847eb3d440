import type { Person, VolunteerStatus } from '../../domain/person.js';
import { findNeighbourhood } from '../../domain/network.js';
import { recentTasks } from '../../domain/request.js';
import { actionData } from '../../flows/button-data.js';
import { reply, type Button, type Param } from '../../flows/types.js';
import type { Turn } from '../common/turn.js';
import { pageButtons, pageLine, pageOf } from './paging.js';

/**
 * `/volunteers`: a mediator's zone volunteers, approved first, then pending,
 * then suspended, each with availability and how many tasks they took in the
 * last week, so she sees who carries the load. Approved ones can be suspended
 * (they leave the geo index and get no offers) and suspended ones reinstated,
 * one press each; the volunteer is told either way.
 */

/** The groups in the order shown; a rejected volunteer is not part of the roster. */
const groups = ['approved', 'pending', 'suspended'] as const;
type Group = (typeof groups)[number];

/**
 * Volunteers in one message. Each approved or suspended one has a button, and WhatsApp
 * shows at most 10 choices: 8 volunteers plus Back and Next.
 */
export const volunteersPageSize = 8;

/** `/volunteers` (or a page of it); `note` says what a press just changed, above the list. */
export async function showVolunteers(turn: Turn, page?: number, note?: Param, focus?: string): Promise<void> {
  const { person, deps } = turn;
  if (person.role !== 'mediator' || !person.onboardedAt || !person.zoneId) {
    turn.say(reply('errors.mediatorsOnly'));
    return;
  }
  const edit = page !== undefined || note !== undefined;
  const roster = (await deps.store.listPeople(person.zoneId, 'volunteer'))
    .filter((v) => v.onboardedAt && groups.includes(v.volunteer?.status as Group))
    .sort(
      (a, b) =>
        groups.indexOf(a.volunteer!.status as Group) - groups.indexOf(b.volunteer!.status as Group) ||
        (a.name ?? '').localeCompare(b.name ?? '') ||
        a.id.localeCompare(b.id),
    );
  if (!roster.length) {
    turn.say(reply('desk.volunteers.none', undefined, edit ? { edit: true } : {}));
    return;
  }
  // After a press, the page where that volunteer now stands.
  const at = focus ? roster.findIndex((v) => v.id === focus) : -1;
  const wanted = at >= 0 ? Math.floor(at / volunteersPageSize) + 1 : (page ?? 1);
  const { shown, current, pages } = pageOf(roster, wanted, volunteersPageSize);

  const lines: Param[] = [];
  const buttons: Button[][] = [];
  let group: Group | undefined;
  for (const v of shown) {
    const status = v.volunteer!.status as Group;
    if (status !== group) {
      if (group) lines.push('');
      lines.push({ t: `desk.volunteers.group.${status}` });
      group = status;
    }
    const name = v.name ?? '';
    lines.push({
      t: 'desk.volunteers.line',
      params: {
        name,
        hood: findNeighbourhood(deps.network, v.place?.neighbourhoodId)?.hood.name ?? '',
        availability: {
          t: v.volunteer!.available === false ? 'desk.volunteers.away' : 'desk.volunteers.available',
        },
        load: recentTasks(v, turn.now),
      },
    });
    if (status === 'approved')
      buttons.push([{ label: 'buttons.suspendVolunteer', params: { name }, data: actionData('vs', v.id) }]);
    if (status === 'suspended')
      buttons.push([{ label: 'buttons.reinstateVolunteer', params: { name }, data: actionData('vu', v.id) }]);
  }
  buttons.push(...(pageButtons('vl', current, pages, true).buttons ?? []));
  turn.say(
    reply(
      'desk.volunteers.list',
      {
        note: note ?? '',
        count: roster.length,
        page: pageLine(current, pages),
        lines: { lines },
      },
      { ...(buttons.length ? { buttons } : {}), ...(edit ? { edit: true } : {}) },
    ),
  );
}

/**
 * Suspend or Reinstate pressed. Only a mediator of the volunteer's zone may, and only from the
 * state the button was drawn for: pressing again is harmless, a forged press changes nothing.
 */
export async function setVolunteerSuspended(
  turn: Turn,
  volunteerId: string,
  suspend: boolean,
): Promise<void> {
  const { person: mediator, deps } = turn;
  const volunteer = await deps.store.getPerson(volunteerId);
  const v = volunteer?.volunteer;
  const from: VolunteerStatus = suspend ? 'approved' : 'suspended';
  const to: VolunteerStatus = suspend ? 'suspended' : 'approved';
  const allowed =
    mediator.role === 'mediator' &&
    !!mediator.onboardedAt &&
    !!mediator.zoneId &&
    volunteer?.role === 'volunteer' &&
    volunteer.zoneId === mediator.zoneId &&
    (v?.status === from || v?.status === to);
  if (!allowed || !volunteer || !v) {
    turn.say(reply('errors.notAllowed'));
    return;
  }
  const name = volunteer.name ?? '';
  if (v.status === to) {
    turn.say(
      reply(
        suspend ? 'desk.volunteers.alreadySuspended' : 'desk.volunteers.alreadyActive',
        { name },
        { toast: true },
      ),
    );
    return;
  }
  const updated: Person = { ...volunteer, volunteer: { ...v, status: to } };
  // A targeted write against the profile as read: the index keys follow the status, so a
  // suspended volunteer leaves the geo index (no offers) and a reinstated one enters it again.
  await deps.store.savePerson(updated, volunteer);
  await deps.messenger.send(updated, [reply(suspend ? 'volunteer.suspended' : 'volunteer.reinstated')]);
  await showVolunteers(
    turn,
    undefined,
    { t: suspend ? 'desk.volunteers.didSuspend' : 'desk.volunteers.didReinstate', params: { name } },
    volunteerId,
  );
}
