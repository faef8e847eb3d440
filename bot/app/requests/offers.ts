/** What volunteers and mediators do with an offer: accept, decline ("Not this time"), assign by hand. */
import { openTo, roughKm, type HelpRequest } from '../../domain/request.js';
import { firstName, type Person } from '../../domain/person.js';
import { distanceKm } from '../../domain/geo.js';
import { findNeighbourhood } from '../../domain/network.js';
import { isQuiet } from '../../domain/schedule.js';
import { actionData } from '../../flows/button-data.js';
import { reply } from '../../flows/types.js';
import { mediatorMayAct } from '../alerts/alerts.js';
import { findCandidates, routeRequest } from './routing.js';
import type { Turn } from '../common/turn.js';
import { messagesTo } from '../common/notify.js';
import { assignEvent } from '../common/figure-events.js';
import { unlessChanged } from './guards.js';
import { announceAssignment, editOffers, recentKept } from './assignment.js';
import { whenParam } from './request-text.js';

/**
 * A press on an offer that is no longer open. Where the offer message is
 * tracked, the edit goes out under the very id the winner's (or the
 * canceller's) turn gives it, so the message is edited once whichever turn
 * sends first: no second, identical edit ("message is not modified").
 */
async function tellTaken(turn: Turn, r: HelpRequest | null): Promise<void> {
  if (r?.state === 'assigned' && r.assignedTo === turn.person.id) {
    // Her own second press (or a re-run of her accept): the same card under the same ids, sent once.
    turn.say(reply('request.alreadyYours', undefined, { toast: true }));
    await announceAssignment(turn.deps, r, turn.person, true);
    return;
  }
  const text = r?.state === 'cancelled' ? 'request.noLongerNeeded' : 'request.taken';
  const tracked = r && r.state !== 'open' && r.offerMsgs?.[turn.person.id];
  if (!tracked) {
    turn.say(reply('request.taken', undefined, { edit: true }));
    return;
  }
  const mine = editOffers(turn.deps, r, undefined, text).filter((m) => m.personId === turn.person.id);
  await turn.deps.outbox.enqueue(mine);
}

/** Accept pressed: decided from the request read with the turn; the first commit wins, everyone else is told it is taken. */
export async function acceptOffer(turn: Turn, requestId: string): Promise<void> {
  await accept(turn, requestId);
}

/**
 * The accept itself: the request now hers, or null when it was not to be had. The request and its
 * elder come with the turn's reads; the accept (on the condition that the request is still open to
 * her), its figures and her recent tasks are writes of the turn's one commit. Two accepts at once:
 * the second commit's condition fails, its turn runs again and finds the request taken.
 */
async function accept(turn: Turn, requestId: string): Promise<HelpRequest | null> {
  const { person: volunteer, deps, now } = turn;
  if (volunteer.role !== 'volunteer' || volunteer.volunteer?.status !== 'approved') {
    turn.say(reply('errors.notAllowed'));
    return null;
  }
  const r = await deps.requests.getRequest(requestId);
  if (!r || !openTo(r, volunteer.id)) {
    await tellTaken(turn, r);
    return null;
  }
  const request: HelpRequest = {
    ...r,
    state: 'assigned',
    assignedTo: volunteer.id,
    assignedAt: now.toISOString(),
  };
  turn.write({ kind: 'accept', requestId: r.id, volunteerId: volunteer.id, at: now });
  turn.write({ kind: 'count', event: assignEvent(request, volunteer.id, now, deps.network) });
  const read = volunteer.volunteer.recentTasks ?? [];
  const recent = [...read, now.toISOString()].slice(-recentKept);
  turn.write({ kind: 'recentTasks', volunteerId: volunteer.id, read, recent });
  turn.person = { ...volunteer, volunteer: { ...volunteer.volunteer, recentTasks: recent } };
  turn.say(reply('request.acceptedYou', undefined, { edit: true }));
  // The volunteer just pressed Accept: awake, even in quiet hours.
  await announceAssignment(deps, request, turn.person, true);
  return request;
}

/** "Not this time": that volunteer is left out; when everyone offered has said no, the next stage goes at once. */
export async function declineOffer(turn: Turn, requestId: string): Promise<void> {
  const { person, deps, now } = turn;
  const r = await deps.requests.getRequest(requestId);
  if (!r || !r.offeredTo.includes(person.id)) {
    turn.say(reply('errors.notAllowed'));
    return;
  }
  const updated = await unlessChanged(deps.requests.decline(r, person.id));
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

/**
 * A mediator picks a volunteer: she is asked, as an offer of her own (recorded on the request, so
 * her accept wins the same conditional write as any other), and gets the elder's details only once
 * she says yes. The ask waits for the end of quiet hours unless the request is urgent.
 */
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
  const asked = r.state === 'open' && (await unlessChanged(deps.requests.offerByHand(r, volunteer.id)));
  if (!asked) {
    turn.say(reply('request.notOpen', undefined, { edit: true }));
    return;
  }
  const hood = findNeighbourhood(deps.network, r.neighbourhoodId)?.hood.name ?? '';
  const ref = `${r.id}.${person.id}`;
  const ask = reply(
    r.urgent ? 'request.askUrgent' : 'request.ask',
    {
      mediator: firstName(person),
      category: { t: `categories.${r.category}` },
      when: whenParam(r),
      hood,
      km: roughKm(volunteer.place ? distanceKm(volunteer.place, r) : 0),
    },
    {
      buttons: [
        [{ label: 'buttons.acceptOffer', data: actionData('hy', ref) }],
        [{ label: 'buttons.declineOffer', data: actionData('hn', ref) }],
      ],
    },
  );
  await deps.outbox.enqueue(
    messagesTo(volunteer, `ask.${ref}`, [ask], r.urgent).map((m) => ({
      ...m,
      track: { requestId: r.id, field: 'offer' as const, volunteerId: volunteer.id },
    })),
  );
  const morning = !r.urgent && isQuiet(now, deps.network.quietHours, deps.network.timeZone);
  turn.say(
    reply(
      morning ? 'request.askedMorning' : 'request.asked',
      { volunteer: firstName(volunteer) },
      { edit: true },
    ),
  );
}

/** The mediator who asked, if the id in the button is one who may still act on the request. */
async function asker(turn: Turn, r: HelpRequest, mediatorId: string | undefined): Promise<Person | null> {
  const mediator = mediatorId ? await turn.deps.store.getPerson(mediatorId) : null;
  return mediator && (await mediatorMayAct(turn.deps, mediator, r)) ? mediator : null;
}

/** The request of a hand-picked volunteer's answer, if she was asked (else she is told she may not). */
async function askedRequest(
  turn: Turn,
  pair: string,
): Promise<{ r: HelpRequest; mediatorId?: string } | null> {
  const [requestId, mediatorId] = pair.split('.');
  const r = requestId ? await turn.deps.requests.getRequest(requestId) : null;
  if (!r || !r.offeredTo.includes(turn.person.id)) {
    turn.say(reply('errors.notAllowed'));
    return null;
  }
  return { r, mediatorId };
}

/** "I'll go" on a mediator's ask: the usual accept, then the mediator hears it. */
export async function acceptAsk(turn: Turn, pair: string): Promise<void> {
  const asked = await askedRequest(turn, pair);
  if (!asked) return;
  const request = await accept(turn, asked.r.id);
  const mediator = request && (await asker(turn, request, asked.mediatorId));
  if (!request || !mediator) return;
  const { elder } = await turn.deps.requests.elderDetails(request.elderId);
  const notice = reply('request.askAccepted', {
    volunteer: firstName(turn.person),
    name: elder ? firstName(elder) : '',
    category: { t: `categories.${request.category}` },
    when: whenParam(request),
  });
  await turn.deps.outbox.enqueue(messagesTo(mediator, `askyes.${request.id}.${turn.person.id}`, [notice]));
}

/**
 * "Not this time" on a mediator's ask: she is left out of this request and the mediator may pick
 * someone else (the alert card's button stays, and this notice carries one). No new round of offers:
 * the request is already in the mediator's hands.
 */
export async function declineAsk(turn: Turn, pair: string): Promise<void> {
  const asked = await askedRequest(turn, pair);
  if (!asked) return;
  const { r } = asked;
  const mediator = await asker(turn, r, asked.mediatorId);
  turn.say(
    reply(
      mediator ? 'request.askDeclinedThanks' : 'request.declinedThanks',
      { mediator: mediator ? firstName(mediator) : '' },
      { edit: true },
    ),
  );
  if (r.excluded.includes(turn.person.id)) return;
  const updated = await unlessChanged(turn.deps.requests.decline(r, turn.person.id));
  if (updated?.state !== 'open' || !mediator) return;
  const { elder } = await turn.deps.requests.elderDetails(r.elderId);
  const notice = reply(
    'request.askDeclined',
    {
      volunteer: firstName(turn.person),
      name: elder ? firstName(elder) : '',
      category: { t: `categories.${r.category}` },
    },
    { buttons: [[{ label: 'buttons.assignVolunteer', data: actionData('ra', r.id) }]] },
  );
  await turn.deps.outbox.enqueue(messagesTo(mediator, `askno.${r.id}.${turn.person.id}`, [notice]));
}
