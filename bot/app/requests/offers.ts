/** What volunteers and mediators do with an offer: accept, decline ("Not this time"), assign by hand. */
import type { HelpRequest } from '../../domain/request.js';
import { OfferTakenError, RequestChangedError } from '../../core/errors.js';
import { actionData } from '../../flows/button-data.js';
import { reply } from '../../flows/types.js';
import { mediatorMayAct } from '../alerts/alerts.js';
import { findCandidates, routeRequest } from './routing.js';
import type { Turn } from '../common/turn.js';
import { announceAssignment, editOffers, recentKept } from './assignment.js';

/**
 * A press on an offer that is no longer open. Where the offer message is
 * tracked, the edit goes out under the very id the winner's (or the
 * canceller's) turn gives it, so the message is edited once whichever turn
 * sends first: no second, identical edit ("message is not modified").
 */
async function tellTaken(turn: Turn, requestId: string): Promise<void> {
  const r = await turn.deps.requests.getRequest(requestId);
  const text = r?.state === 'cancelled' ? 'request.noLongerNeeded' : 'request.taken';
  const tracked = r && r.state !== 'open' && r.offerMsgs?.[turn.person.id];
  if (!tracked) {
    turn.say(reply('request.taken', undefined, { edit: true }));
    return;
  }
  const mine = editOffers(turn.deps, r, undefined, text).filter((m) => m.personId === turn.person.id);
  await turn.deps.outbox.enqueue(mine);
}

/** Accept pressed: a conditional write decides; the first wins, everyone else is told it is taken. */
export async function acceptOffer(turn: Turn, requestId: string): Promise<void> {
  const { person: volunteer, deps, now } = turn;
  if (volunteer.role !== 'volunteer' || volunteer.volunteer?.status !== 'approved') {
    turn.say(reply('errors.notAllowed'));
    return;
  }
  let request: HelpRequest;
  try {
    request = await deps.requests.accept(requestId, volunteer.id, now);
  } catch (err) {
    if (!(err instanceof OfferTakenError)) throw err;
    await tellTaken(turn, requestId);
    return;
  }
  const recent = [...(volunteer.volunteer.recentTasks ?? []), now.toISOString()].slice(-recentKept);
  await turn.savePerson({ ...volunteer, volunteer: { ...volunteer.volunteer, recentTasks: recent } });
  turn.say(reply('request.acceptedYou', undefined, { edit: true }));
  // The volunteer just pressed Accept: awake, even in quiet hours.
  await announceAssignment(deps, request, volunteer, true);
}

/** "Not this time": that volunteer is left out; when everyone offered has said no, the next stage goes at once. */
export async function declineOffer(turn: Turn, requestId: string): Promise<void> {
  const { person, deps, now } = turn;
  const r = await deps.requests.getRequest(requestId);
  if (!r || !r.offeredTo.includes(person.id)) {
    turn.say(reply('errors.notAllowed'));
    return;
  }
  const updated = await deps.requests.decline(r, person.id).catch((err) => {
    if (err instanceof RequestChangedError) return null;
    throw err;
  });
  turn.say(reply('request.declinedThanks', undefined, { edit: true }));
  if (updated?.state === 'open' && updated.offeredTo.every((v) => updated.excluded.includes(v))) {
    await routeRequest(deps, updated, updated.stage + 1, updated.wave + 1, now);
  }
}

/** A mediator's list of volunteers to assign by hand: the zone's eligible ones, nearest first. */
export async function assignList(turn: Turn, requestId: string): Promise<void> {
  const { deps, person, now } = turn;
  const r = await deps.requests.getRequest(requestId);
  if (!r || !(await mediatorMayAct(deps, person, r))) {
    turn.say(reply('errors.notAllowed'));
    return;
  }
  if (r.state !== 'open') {
    turn.say(reply('request.notOpen'));
    return;
  }
  const { ranked } = await findCandidates(deps, { ...r, offeredTo: [] }, null, 3, now);
  if (!ranked.length) {
    turn.say(reply('request.nobodyToAssign'));
    return;
  }
  turn.say(
    reply(
      'request.pickVolunteer',
      { category: { t: `categories.${r.category}` } },
      {
        buttons: ranked.slice(0, 8).map((c) => [
          {
            label: 'request.volunteerOption',
            params: { name: c.volunteer.name ?? '', km: Math.round(c.km * 10) / 10 },
            data: actionData('rh', `${r.id}.${c.volunteer.id}`),
          },
        ]),
      },
    ),
  );
}

/** A mediator assigns a volunteer by hand. */
export async function assignByHand(turn: Turn, pair: string): Promise<void> {
  const { deps, person, now } = turn;
  const [requestId, volunteerId] = pair.split('.');
  const r = requestId ? await deps.requests.getRequest(requestId) : null;
  const volunteer = volunteerId ? await deps.store.getPerson(volunteerId) : null;
  const allowed =
    r &&
    volunteer &&
    volunteer.role === 'volunteer' &&
    volunteer.volunteer?.status === 'approved' &&
    volunteer.volunteer.available !== false &&
    volunteer.zoneId === r.zoneId &&
    !r.excluded.includes(volunteer.id) &&
    (await mediatorMayAct(deps, person, r));
  if (!allowed) {
    turn.say(reply('errors.notAllowed'));
    return;
  }
  const assigned = await deps.requests.assignByHand(r, volunteer.id, now).catch((err) => {
    if (err instanceof RequestChangedError) return null;
    throw err;
  });
  if (!assigned) {
    turn.say(reply('request.notOpen', undefined, { edit: true }));
    return;
  }
  turn.say(reply('request.assignedByYou', { volunteer: volunteer.name ?? '' }, { edit: true }));
  await announceAssignment(deps, assigned, volunteer);
}
