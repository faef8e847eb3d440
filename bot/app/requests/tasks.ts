/** What happens to a task once assigned: done, released, confirmed, "nobody came", how the elder seemed; a volunteer who leaves. */
import { alertIds } from '../../domain/alert.js';
import { firstName, type Person } from '../../domain/person.js';
import type { HelpRequest } from '../../domain/request.js';
import { RequestChangedError } from '../../core/errors.js';
import { actionData } from '../../flows/button-data.js';
import { reply } from '../../flows/types.js';
import { raiseAlert } from '../alerts/alerts.js';
import type { AppDeps } from '../common/deps.js';
import { messagesTo } from '../common/notify.js';
import { routeRequest } from './routing.js';
import type { Turn } from '../common/turn.js';
import { recentKept, stripAssigned } from './assignment.js';
import { followedRequest, unlessChanged } from './guards.js';

async function assignedRequest(turn: Turn, requestId: string): Promise<HelpRequest | null> {
  const r = await turn.deps.requests.getRequest(requestId);
  if (!r || r.assignedTo !== turn.person.id) {
    turn.say(reply('errors.notAllowed'));
    return null;
  }
  return r;
}

/** Done: the elder (or relatives) are asked to confirm; the volunteer may say how the elder seemed. */
export async function taskDone(turn: Turn, requestId: string): Promise<void> {
  const { deps, now, person } = turn;
  const r = await assignedRequest(turn, requestId);
  if (!r) return;
  // Found done by her already: a re-run of this turn after a fault (or her second press). The same
  // messages again, under the same ids, so each still goes once.
  const done = r.state === 'done' ? r : await unlessChanged(deps.requests.markDone(r, person.id, now));
  if (!done) {
    turn.say(reply('request.notOpen'));
    return;
  }
  turn.say(
    reply('request.doneAskWellbeing', undefined, {
      buttons: [
        [{ label: 'buttons.wellbeingOk', data: actionData('wk', r.id) }],
        [{ label: 'buttons.wellbeingWorried', data: actionData('ww', r.id) }],
      ],
    }),
  );
  const { elder, followers } = await deps.requests.elderDetails(r.elderId, r.followers);
  const confirm = reply(
    'request.confirmAsk',
    { volunteer: firstName(person), category: { t: `categories.${r.category}` } },
    {
      buttons: [
        [{ label: 'buttons.confirmDone', data: actionData('rc', r.id) }],
        [{ label: 'buttons.nobodyCame', data: actionData('rn', r.id) }],
      ],
    },
  );
  const people = [elder, ...followers].filter((p): p is Person => !!p);
  await deps.outbox.enqueue([
    ...stripAssigned(deps, done.assignedMsg ? done : r, person.id, 'request.doneStripped'),
    ...people.flatMap((p) => messagesTo(p, `req.${r.id}.done`, [confirm])),
  ]);
}

/** "I can no longer go": the volunteer is left out and the request is routed again. */
export async function releaseTask(turn: Turn, requestId: string): Promise<void> {
  const { deps, now, person } = turn;
  const r = await assignedRequest(turn, requestId);
  if (!r) return;
  const before = await unlessChanged(deps.requests.release(r, person.id));
  if (!before) {
    turn.say(reply('request.notOpen'));
    return;
  }
  turn.say(reply('request.releasedThanks'));
  const { elder, followers } = await deps.requests.elderDetails(r.elderId, r.followers);
  const people = [elder, ...followers].filter((p): p is Person => !!p);
  await deps.outbox.enqueue([
    ...stripAssigned(deps, before, person.id, 'request.releasedStripped'),
    ...people.flatMap((p) =>
      messagesTo(p, `req.${r.id}.${before.wave}.released`, [
        reply('request.released', { volunteer: firstName(person) }),
      ]),
    ),
  ]);
  const reopened = await deps.requests.getRequest(r.id);
  if (reopened) await routeRequest(deps, reopened, 1, before.wave + 1, now);
}

/** The elder or a relative confirms it was done: the request closes and leaves after the retention period. */
export async function confirmDone(turn: Turn, requestId: string): Promise<void> {
  const { deps, now } = turn;
  const r = await followedRequest(turn, requestId);
  if (!r) return;
  const closed = await unlessChanged(deps.requests.close(r, now, deps.network.requests.retentionDays));
  if (!closed) {
    turn.say(reply('request.alreadyConfirmed', undefined, { edit: true }));
    return;
  }
  turn.say(reply('request.confirmedThanks', undefined, { edit: true }));
  const elder = await deps.store.getPerson(r.elderId);
  if (elder && r.assignedTo) {
    const helpedBy = [...new Set([...(elder.helpedBy ?? []), r.assignedTo])].slice(-recentKept);
    await deps.store.savePerson({ ...elder, helpedBy }, elder);
    const volunteer = await deps.store.getPerson(r.assignedTo);
    if (volunteer)
      await deps.outbox.enqueue(
        messagesTo(volunteer, `req.${r.id}.closed`, [
          reply('request.closedThanks', { name: firstName(elder) }),
        ]),
      );
  }
}

/**
 * "Nobody came" on the confirmation: the request opens again without that
 * volunteer, the zone's mediator is alerted, and new offers go out.
 */
export async function nobodyCame(turn: Turn, requestId: string): Promise<void> {
  const { deps, now } = turn;
  const r = await followedRequest(turn, requestId);
  if (!r) return;
  const before =
    r.state === 'done' && r.assignedTo ? await unlessChanged(deps.requests.reopen(r, r.assignedTo)) : null;
  if (!before?.assignedTo) {
    turn.say(reply('request.alreadyConfirmed', undefined, { edit: true }));
    return;
  }
  turn.say(reply('request.nobodyCameThanks', undefined, { edit: true }));
  const elder = await deps.store.getPerson(r.elderId);
  const volunteer = await deps.store.getPerson(before.assignedTo);
  const params = { name: elder ? firstName(elder) : '', category: { t: `categories.${r.category}` } };
  if (volunteer)
    await deps.outbox.enqueue(
      messagesTo(volunteer, `req.${r.id}.${before.wave}.nobody`, [
        reply('request.nobodyCameVolunteer', params),
      ]),
    );
  if (elder)
    await raiseAlert(
      deps,
      {
        kind: 'nobodyCame',
        id: alertIds.nobodyCame(r.id, before.wave),
        subject: elder,
        zoneId: r.zoneId,
        requestId: r.id,
      },
      now,
    );
  const reopened = await deps.requests.getRequest(r.id);
  if (reopened) await routeRequest(deps, reopened, 1, before.wave + 1, now);
}

/** How the elder seemed: "worried" alerts the zone's mediator. */
export async function wellbeing(turn: Turn, requestId: string, worried: boolean): Promise<void> {
  const { deps, now } = turn;
  const r = await assignedRequest(turn, requestId);
  if (!r) return;
  // Once, and only after the task is done: an old button changes nothing.
  const recorded = await unlessChanged(deps.requests.recordWellbeing(r, turn.person.id, worried));
  if (!recorded) {
    turn.say(reply('request.wellbeingAlready', undefined, { edit: true }));
    return;
  }
  turn.say(reply(worried ? 'request.worriedThanks' : 'request.allWellThanks', undefined, { edit: true }));
  if (!worried) return;
  const elder = await deps.store.getPerson(r.elderId);
  if (elder) {
    await raiseAlert(
      deps,
      { kind: 'worried', id: alertIds.worried(r.id), subject: elder, zoneId: r.zoneId, requestId: r.id },
      now,
    );
  }
}

/**
 * A volunteer's erasure: every request they were offered or assigned forgets them (offer and message
 * references, exclusion, assignment); a task of theirs not yet done is open again, the elder, relatives
 * and zone mediators are told. Elders they helped forget them too. Returns the requests to route
 * afresh once the volunteer is erased (before, routing could offer them the task again).
 */
export async function volunteerLeaves(deps: AppDeps, volunteer: Person): Promise<string[]> {
  const reopened: string[] = [];
  for (const task of await deps.requests.tasksOf(volunteer.id)) {
    const forget = (r: HelpRequest) => deps.requests.forgetVolunteer(r, volunteer.id);
    const before = await forget(task).catch(async (err) => {
      if (!(err instanceof RequestChangedError)) throw err;
      const again = await deps.requests.getRequest(task.id);
      return again ? forget(again) : null;
    });
    if (!before) continue;
    const { elder, followers } = await deps.requests.elderDetails(before.elderId, before.followers);
    if (elder?.helpedBy?.includes(volunteer.id))
      await deps.store.savePerson(
        { ...elder, helpedBy: elder.helpedBy.filter((id) => id !== volunteer.id) },
        elder,
      );
    if (before.assignedTo !== volunteer.id || before.state !== 'assigned') continue;
    const category = { t: `categories.${before.category}` };
    const mediators = await deps.store.listPeople(before.zoneId, 'mediator');
    await deps.outbox.enqueue([
      ...[elder, ...followers]
        .filter((p): p is Person => !!p)
        .flatMap((p) =>
          messagesTo(p, `req.${before.id}.${before.wave}.left`, [
            reply('request.released', { volunteer: firstName(volunteer) }),
          ]),
        ),
      ...mediators.flatMap((m) =>
        messagesTo(m, `req.${before.id}.${before.wave}.left`, [
          reply('request.volunteerLeftMediator', {
            volunteer: firstName(volunteer),
            name: elder ? firstName(elder) : '',
            category,
          }),
        ]),
      ),
    ]);
    reopened.push(before.id);
  }
  return reopened;
}

/** Routes again, in a new round from the nearest volunteers, the requests a leaving volunteer held. */
export async function routeAgain(deps: AppDeps, requestIds: string[], now: Date): Promise<void> {
  for (const id of requestIds) {
    const r = await deps.requests.getRequest(id);
    if (r?.state === 'open') await routeRequest(deps, r, 1, r.wave + 1, now);
  }
}
