import { alertIds } from '../../domain/alert.js';
import { requestExpiryTimer } from '../../domain/timer.js';
import { firstName, type Person } from '../../domain/person.js';
import type { HelpRequest } from '../../domain/request.js';
import { nightRoundBefore, stillOpen } from '../../domain/request-limits.js';
import { localTime } from '../../domain/schedule.js';
import { actionData } from '../../flows/button-data.js';
import type { Draft } from '../../flows/draft.js';
import { nextRequestStep } from '../../flows/request-steps.js';
import { reply, type Button, type Reply } from '../../flows/types.js';
import { raiseAlert } from '../alerts/alerts.js';
import { ask } from '../conversation/conversation.js';
import type { AppDeps } from '../common/deps.js';
import { mediatorsFor, messagesTo, relativesOf } from '../common/notify.js';
import { whenParam } from './request-text.js';
import { routeRequest, tellFollowers } from './routing.js';
import type { Turn } from '../common/turn.js';

import { editOffers, stripAssigned } from './assignment.js';
import { unlessChanged } from './guards.js';
import { noEldersYet } from '../people/relatives.js';

/** The elder a presser may ask help for: themself, a confirmed relative's elder, an elder of a mediator's zone. */
async function requestSubject(turn: Turn, elderId: string): Promise<Person | null> {
  const { person, deps } = turn;
  if (elderId === person.id) return person.role === 'elder' && person.onboardedAt ? person : null;
  const elder = await deps.store.getPerson(elderId);
  if (!elder || elder.role !== 'elder' || !elder.onboardedAt) return null;
  if (person.role === 'mediator' && person.onboardedAt && person.zoneId === elder.zoneId) return elder;
  if (person.role === 'relative' && (await deps.store.getLink(elderId, person.id))?.status === 'confirmed')
    return elder;
  return null;
}

/** Whether the elder's address is on file (a request needing a visit asks for it otherwise). */
async function hasAddress(deps: AppDeps, elder: Person): Promise<boolean> {
  return !!(await deps.store.getPrivate(elder.id)).address;
}

/** `/request` or "Ask a volunteer": the request questions, for the elder or on their behalf. */
export async function startRequest(turn: Turn, elderId?: string): Promise<void> {
  const { person, deps } = turn;
  let draft: Draft | null = null;
  if (elderId || person.role === 'elder') {
    const elder = await requestSubject(turn, elderId ?? person.id);
    if (elder && refusedOverCap(turn, elder, await deps.requests.requestsOf(elder.id))) return;
    if (elder)
      draft = {
        subjectId: elder.id,
        subjectName: firstName(elder),
        forSelf: elder.id === person.id,
        askAddress: !(await hasAddress(deps, elder)),
      };
  } else if (person.role === 'relative') {
    const all = await deps.store.listElders(person.id);
    const links = all.filter((l) => l.status === 'confirmed');
    const elders = await deps.store.getPeople(links.map((l) => l.elderId));
    if (!elders.length) {
      turn.say(await noEldersYet(turn, all));
      return;
    }
    const [only] = elders;
    if (elders.length === 1 && only && refusedOverCap(turn, only, await deps.requests.requestsOf(only.id)))
      return;
    draft =
      elders.length === 1 && only
        ? { subjectId: only.id, subjectName: firstName(only), askAddress: !(await hasAddress(deps, only)) }
        : {
            elderChoices: await Promise.all(
              elders.map(async (e) => ({
                id: e.id,
                name: e.name ?? '',
                noAddress: !(await hasAddress(deps, e)),
              })),
            ),
          };
  }
  if (!draft) {
    turn.say(reply('errors.notAllowed'));
    return;
  }
  ask(turn, 'request', nextRequestStep(null, draft)!, draft);
}

/** All questions answered: the request is stored, confirmed, and the first offers go out. */
export async function createHelpRequest(turn: Turn, draft: Draft): Promise<void> {
  const { deps, person, now } = turn;
  turn.endFlow();
  const elder = draft.subjectId ? await requestSubject(turn, draft.subjectId) : null;
  if (!elder?.place || !elder.zoneId || !draft.category || !draft.whenKind || !draft.whenDate) {
    turn.say(reply('errors.notAllowed'));
    return;
  }
  // From the flow version read: a re-run of this turn (a fault, a redelivery, a double tap) makes the same request.
  // The draft (with its date) in the seed: a flow version that starts over after its item expired makes a new one.
  const id = deps.ids.fromSeed(`request.${person.id}.${turn.version}.${JSON.stringify(draft)}`);
  // The limits are decided from her requests as read, this one left out: a re-run that finds it
  // stored already decides the same.
  const theirs = await deps.requests.requestsOf(elder.id);
  if (refusedOverCap(turn, elder, theirs, id)) return;
  const { quietHours, timeZone } = deps.network;
  const woken = draft.urgent ? nightRoundBefore(theirs, now, quietHours, timeZone, id) : undefined;
  if (draft.address) {
    // Given for this request: kept for the next one too, private as always. Only the address is
    // written: a phone changed meanwhile by someone else stays.
    await deps.store.setPrivate(elder.id, 'address', draft.address);
  }
  const followers = await relativesOf(deps, elder.id);
  const request: HelpRequest = {
    id,
    elderId: elder.id,
    createdBy: person.id,
    zoneId: elder.zoneId,
    neighbourhoodId: elder.place.neighbourhoodId,
    lat: elder.place.lat,
    lon: elder.place.lon,
    category: draft.category,
    when: { kind: draft.whenKind, date: draft.whenDate, ...(draft.whenPart ? { part: draft.whenPart } : {}) },
    ...(draft.note ? { note: draft.note } : {}),
    urgent: !!draft.urgent,
    state: 'open',
    wave: 0,
    stage: 0,
    followers: followers.map((f) => f.id),
    offeredTo: [],
    excluded: [],
    offerMsgs: {},
    createdAt: now.toISOString(),
    ...(woken ? { mediatorOnly: true } : {}),
  };
  await deps.requests.createRequest(request);
  // Nobody takes it and nobody closes it: it ends with the retention period all the same.
  await deps.timers.schedule([requestExpiryTimer(request, deps.network.requests.retentionDays)]);
  const params = {
    category: { t: `categories.${request.category}` },
    when: whenParam(request),
    name: firstName(elder),
  };
  const created = woken
    ? elder.id === person.id
      ? 'request.passedOn'
      : 'request.passedOnFor'
    : elder.id === person.id
      ? 'request.created'
      : 'request.createdFor';
  turn.say(
    reply(created, params, {
      buttons: [[{ label: 'buttons.cancelRequest', data: actionData('rx', request.id) }]],
    }),
  );
  // The elder is told "for you"; relatives are told who asked, or that the elder asked herself.
  const others = [elder, ...followers].filter((p) => p.id !== person.id);
  const told = { ...params, by: person.name ?? '' };
  const byElder = person.id === elder.id;
  await tellFollowers(
    deps,
    others.filter((p) => p.id !== elder.id),
    `req.${request.id}.new`,
    byElder ? 'request.createdByElder' : 'request.createdBy',
    told,
  );
  await tellFollowers(
    deps,
    others.filter((p) => p.id === elder.id),
    `req.${request.id}.new`,
    'request.createdByForYou',
    told,
  );
  if (request.urgent) {
    await raiseAlert(
      deps,
      {
        kind: 'urgentRequest',
        id: alertIds.urgentRequest(request.id),
        subject: elder,
        zoneId: request.zoneId,
        requestId: request.id,
        emergency: true,
      },
      now,
    );
  }
  if (woken) {
    // Volunteers were woken for her within the hour already: this one is the mediators' alone, and they hear why.
    const mediators = await mediatorsFor(deps, request.zoneId);
    const why = reply('request.nightMediatorOnly', {
      ...params,
      time: localTime(now, timeZone),
      first: localTime(new Date(woken.createdAt), timeZone),
    });
    await deps.outbox.enqueue(
      mediators.flatMap((m) => messagesTo(m, `req.${request.id}.nightOnly`, [why], true)),
    );
    return;
  }
  await routeRequest(deps, request, 1, 1, now);
}

/**
 * The cap on requests still going for one elder: over it, the asker sees what is going, each with
 * its cancel button, and nothing is made. True when refused.
 */
function refusedOverCap(turn: Turn, elder: Person, requests: HelpRequest[], exceptId?: string): boolean {
  const going = stillOpen(requests, exceptId);
  if (going.length < turn.deps.network.requests.maxOpenPerPerson) return false;
  turn.say(
    elder.id === turn.person.id
      ? reply('request.tooMany')
      : reply('request.tooManyFor', { name: firstName(elder) }),
  );
  for (const r of going)
    turn.say(listed(r, [[{ label: 'buttons.cancelRequest', data: actionData('rx', r.id) }]]));
  return true;
}

/** One request as `/requests` lists it. */
function listed(r: HelpRequest, buttons: Button[][]): Reply {
  return reply(
    'request.listed',
    {
      category: { t: `categories.${r.category}` },
      when: whenParam(r),
      state: { t: `request.state.${r.state}` },
    },
    { buttons },
  );
}

/** The elder, a relative or the zone's mediator cancels an open request. */
export async function cancelRequest(turn: Turn, requestId: string): Promise<void> {
  const { deps, now, person } = turn;
  const r = await deps.requests.getRequest(requestId);
  const mediator = person.role === 'mediator' && person.zoneId === r?.zoneId;
  if (!r || (r.elderId !== person.id && !r.followers.includes(person.id) && !mediator)) {
    turn.say(reply('errors.notAllowed'));
    return;
  }
  if (!(await cancelAndTell(deps, r, now))) {
    turn.say(reply('request.notOpen'));
    return;
  }
  turn.say(reply('request.cancelled', { category: { t: `categories.${r.category}` } }, { edit: true }));
}

/** Cancels a request if it is still going, and tells the volunteers it reached; false if it was over already. */
export async function cancelAndTell(deps: AppDeps, r: HelpRequest, now: Date): Promise<boolean> {
  const before = await unlessChanged(deps.requests.cancel(r, now, deps.network.requests.retentionDays));
  if (!before) return false;
  const outgoing = editOffers(deps, before, before.assignedTo, 'request.noLongerNeeded');
  if (before.assignedTo) {
    const volunteer = await deps.store.getPerson(before.assignedTo);
    outgoing.push(...stripAssigned(deps, before, before.assignedTo, 'request.cancelledStripped'));
    if (volunteer)
      outgoing.push(...messagesTo(volunteer, `req.${r.id}.cancelled`, [reply('request.cancelledVolunteer')]));
  }
  await deps.outbox.enqueue(outgoing);
  return true;
}

/** `/requests`: an elder's or relative's requests still going; a mediator's zone's open ones. */
export async function listRequests(turn: Turn): Promise<void> {
  const { deps, person } = turn;
  let requests: HelpRequest[] = [];
  if (person.role === 'mediator' && person.zoneId) requests = await deps.requests.openRequests(person.zoneId);
  else if (person.role === 'elder') requests = await deps.requests.requestsOf(person.id);
  else if (person.role === 'relative') {
    const links = (await deps.store.listElders(person.id)).filter((l) => l.status === 'confirmed');
    for (const l of links) requests.push(...(await deps.requests.requestsOf(l.elderId)));
  } else {
    turn.say(reply('errors.notAllowed'));
    return;
  }
  const live = requests
    .filter((r) => r.state === 'open' || r.state === 'assigned' || r.state === 'done')
    .slice(-10);
  if (!live.length) {
    turn.say(reply('request.none'));
    return;
  }
  for (const r of live) {
    const buttons =
      person.role === 'mediator'
        ? [[{ label: 'buttons.assignVolunteer', data: actionData('ra', r.id) }]]
        : r.state === 'done'
          ? [[{ label: 'buttons.confirmDone', data: actionData('rc', r.id) }]]
          : [[{ label: 'buttons.cancelRequest', data: actionData('rx', r.id) }]];
    turn.say(listed(r, buttons));
  }
}

/** `/available` and `/away`: a volunteer switches offers on or off (and in or out of the geo index). */
export async function setAvailable(turn: Turn, available: boolean): Promise<void> {
  const { person } = turn;
  if (person.role !== 'volunteer' || !person.volunteer) {
    turn.say(reply('errors.volunteersOnly'));
    return;
  }
  await turn.savePerson({ ...person, volunteer: { ...person.volunteer, available } });
  turn.say(reply(available ? 'volunteer.availableNow' : 'volunteer.awayNow'));
}
