import { alertIds } from '../domain/alert.js';
import { firstName, type Person } from '../domain/person.js';
import type { HelpRequest } from '../domain/request.js';
import { OfferTakenError, RequestChangedError } from '../errors.js';
import { actionData } from '../flows/button-data.js';
import type { Draft } from '../flows/draft.js';
import { nextRequestStep } from '../flows/request-steps.js';
import { reply, type Reply } from '../flows/types.js';
import type { OutboundMessage } from '../outbound.js';
import { raiseAlert } from './alerts.js';
import { ask } from './conversation.js';
import type { AppDeps } from './deps.js';
import { messagesTo, relativesOf } from './notify.js';
import { whenParam } from './request-text.js';
import { findCandidates, routeRequest, tellFollowers } from './routing.js';
import type { Turn } from './turn.js';

const recentKept = 20;

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

/** `/request` or "Ask a volunteer": the request questions, for the elder or on their behalf. */
export async function startRequest(turn: Turn, elderId?: string): Promise<void> {
  const { person, deps } = turn;
  let draft: Draft | null = null;
  if (elderId || person.role === 'elder') {
    const elder = await requestSubject(turn, elderId ?? person.id);
    if (elder) draft = { subjectId: elder.id, subjectName: firstName(elder) };
  } else if (person.role === 'relative') {
    const links = (await deps.store.listElders(person.id)).filter((l) => l.status === 'confirmed');
    const elders = await deps.store.getPeople(links.map((l) => l.elderId));
    if (!elders.length) {
      turn.say(reply('link.noElders'));
      return;
    }
    const [only] = elders;
    draft =
      elders.length === 1 && only
        ? { subjectId: only.id, subjectName: firstName(only) }
        : { elderChoices: elders.map((e) => ({ id: e.id, name: e.name ?? '' })) };
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
  const followers = await relativesOf(deps, elder.id);
  const request: HelpRequest = {
    id: deps.ids.personId(),
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
  };
  await deps.requests.createRequest(request);
  const params = {
    category: { t: `categories.${request.category}` },
    when: whenParam(request),
    name: firstName(elder),
  };
  turn.say(
    reply(elder.id === person.id ? 'request.created' : 'request.createdFor', params, {
      buttons: [[{ label: 'buttons.cancelRequest', data: actionData('rx', request.id) }]],
    }),
  );
  const others = [elder, ...followers].filter((p) => p.id !== person.id);
  await tellFollowers(deps, others, `req.${request.id}.new`, 'request.createdBy', {
    ...params,
    by: person.name ?? '',
  });
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
  await routeRequest(deps, request, 1, 1, now);
}

/** Where a stored message is: "chat:message[:lang]". */
function editOf(
  ref: string,
  personId: string,
  id: string,
  fallbackLang: string,
  replies: Reply[],
): OutboundMessage {
  const [chat, message, lang] = ref.split(':');
  return {
    id,
    to: { channel: 'telegram', id: chat! },
    personId,
    lang: lang || fallbackLang,
    replies,
    edit: Number(message),
  };
}

/** Offers still showing their buttons become "already taken" (or "no longer needed"). */
function editOffers(
  deps: AppDeps,
  r: HelpRequest,
  except: string | undefined,
  text: string,
): OutboundMessage[] {
  return Object.entries(r.offerMsgs ?? {})
    .filter(([volunteerId]) => volunteerId !== except)
    .map(([volunteerId, ref]) =>
      editOf(
        ref,
        volunteerId,
        `offer.${r.id}.${r.wave}.${text}.${volunteerId}`,
        deps.network.defaultLanguage,
        [reply(text)],
      ),
    );
}

/**
 * The winner gets the elder's first name, address, phone and note, with Done /
 * I can no longer go; the other offers are edited; the elder and relatives hear
 * who is coming. Costs one read (elder, private details, followers).
 */
async function announceAssignment(deps: AppDeps, r: HelpRequest, volunteer: Person): Promise<void> {
  const { elder, details, followers } = await deps.requests.elderDetails(r.elderId, r.followers);
  const none = { t: 'profile.none' };
  const card = reply(
    'request.assigned',
    {
      name: elder ? firstName(elder) : '',
      address: details.address ?? none,
      phone: details.phone ?? none,
      note: r.note?.text ?? (r.note?.voiceFileId ? { t: 'request.voiceNote' } : none),
      category: { t: `categories.${r.category}` },
      when: whenParam(r),
    },
    {
      buttons: [
        [{ label: 'buttons.taskDone', data: actionData('rd', r.id) }],
        [{ label: 'buttons.taskRelease', data: actionData('rr', r.id) }],
      ],
    },
  );
  const replies = r.note?.voiceFileId
    ? [card, reply('request.voiceCaption', undefined, { voice: r.note.voiceFileId })]
    : [card];
  const toVolunteer = messagesTo(volunteer, `assign.${r.id}.${r.wave}`, replies, r.urgent).map((m) => ({
    ...m,
    track: { requestId: r.id, field: 'assigned' as const, volunteerId: volunteer.id },
  }));
  const coming = [elder, ...followers].filter((p): p is Person => !!p);
  const told = coming.flatMap((p) =>
    messagesTo(p, `req.${r.id}.${r.wave}.coming`, [
      reply('request.coming', {
        volunteer: firstName(volunteer),
        category: { t: `categories.${r.category}` },
        when: whenParam(r),
      }),
    ]),
  );
  await deps.outbox.enqueue([...toVolunteer, ...editOffers(deps, r, volunteer.id, 'request.taken'), ...told]);
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
    turn.say(reply('request.taken', undefined, { edit: true }));
    return;
  }
  const recent = [...(volunteer.volunteer.recentTasks ?? []), now.toISOString()].slice(-recentKept);
  await turn.savePerson({ ...volunteer, volunteer: { ...volunteer.volunteer, recentTasks: recent } });
  turn.say(reply('request.acceptedYou', undefined, { edit: true }));
  await announceAssignment(deps, request, volunteer);
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

/** Strips the elder's details from the volunteer's task message: they keep nothing once it ends. */
function stripAssigned(deps: AppDeps, r: HelpRequest, volunteerId: string, text: string): OutboundMessage[] {
  if (!r.assignedMsg) return [];
  return [
    editOf(
      r.assignedMsg,
      volunteerId,
      `strip.${r.id}.${r.wave}.${volunteerId}`,
      deps.network.defaultLanguage,
      [reply(text)],
    ),
  ];
}

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
  const done = await deps.requests.markDone(r, person.id, now).catch((err) => {
    if (err instanceof RequestChangedError) return null;
    throw err;
  });
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
    { buttons: [[{ label: 'buttons.confirmDone', data: actionData('rc', r.id) }]] },
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
  const before = await deps.requests.release(r, person.id).catch((err) => {
    if (err instanceof RequestChangedError) return null;
    throw err;
  });
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
  const { deps, now, person } = turn;
  const r = await deps.requests.getRequest(requestId);
  if (!r || (r.elderId !== person.id && !r.followers.includes(person.id))) {
    turn.say(reply('errors.notAllowed'));
    return;
  }
  const closed = await deps.requests.close(r, now, deps.network.requests.retentionDays).catch((err) => {
    if (err instanceof RequestChangedError) return null;
    throw err;
  });
  if (!closed) {
    turn.say(reply('request.alreadyConfirmed', undefined, { edit: true }));
    return;
  }
  turn.say(reply('request.confirmedThanks', undefined, { edit: true }));
  const elder = await deps.store.getPerson(r.elderId);
  if (elder && r.assignedTo) {
    const helpedBy = [...new Set([...(elder.helpedBy ?? []), r.assignedTo])].slice(-recentKept);
    await deps.store.savePerson({ ...elder, helpedBy });
    const volunteer = await deps.store.getPerson(r.assignedTo);
    if (volunteer)
      await deps.outbox.enqueue(
        messagesTo(volunteer, `req.${r.id}.closed`, [
          reply('request.closedThanks', { name: firstName(elder) }),
        ]),
      );
  }
}

/** How the elder seemed: "worried" alerts the zone's mediator. */
export async function wellbeing(turn: Turn, requestId: string, worried: boolean): Promise<void> {
  const { deps, now } = turn;
  const r = await assignedRequest(turn, requestId);
  if (!r) return;
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
  const before = await deps.requests.cancel(r, now, deps.network.requests.retentionDays).catch((err) => {
    if (err instanceof RequestChangedError) return null;
    throw err;
  });
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

/** A mediator's list of volunteers to assign by hand: the zone's eligible ones, nearest first. */
export async function assignList(turn: Turn, requestId: string): Promise<void> {
  const { deps, person, now } = turn;
  const r = await deps.requests.getRequest(requestId);
  if (!r || person.role !== 'mediator' || person.zoneId !== r.zoneId) {
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
    person.role === 'mediator' &&
    person.zoneId === r.zoneId &&
    volunteer.volunteer?.status === 'approved';
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
    turn.say(
      reply(
        'request.listed',
        {
          category: { t: `categories.${r.category}` },
          when: whenParam(r),
          state: { t: `request.state.${r.state}` },
        },
        { buttons },
      ),
    );
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
