/** What volunteers and mediators do with an offer or a task: accept, decline, done, release, confirm, assign. */
import { alertIds } from '../../domain/alert.js';
import { firstName, type Person, type PrivateDetails } from '../../domain/person.js';
import type { HelpRequest } from '../../domain/request.js';
import { OfferTakenError, RequestChangedError } from '../../core/errors.js';
import { actionData } from '../../flows/button-data.js';
import { reply, type Param, type Reply } from '../../flows/types.js';
import { parseMessageRef, type OutboundMessage } from '../../core/outbound.js';
import { mediatorMayAct, raiseAlert } from '../alerts/alerts.js';
import type { AppDeps } from '../common/deps.js';
import { mediatorsFor, messagesTo } from '../common/notify.js';
import { whenParam } from './request-text.js';
import { findCandidates, routeRequest } from './routing.js';
import type { Turn } from '../common/turn.js';

const recentKept = 20;

/** Where a stored message is: "chat:message[:lang]" (see `messageRef`). */
export function editOf(
  ref: string,
  personId: string,
  id: string,
  fallbackLang: string,
  replies: Reply[],
): OutboundMessage {
  const [chat, message, lang] = ref.split(':');
  const { to, edit } = parseMessageRef(chat!, message ?? '');
  return { id, to, personId, lang: lang || fallbackLang, replies, ...(edit ? { edit } : {}) };
}

/** Offers still showing their buttons become "already taken" (or "no longer needed"). */
export function editOffers(
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
 * A phone the assigned volunteer can call, saying whose it is: the elder's,
 * else a linked relative's, else the zone mediator's.
 */
async function taskContact(
  deps: AppDeps,
  r: HelpRequest,
  elder: Person | null,
  elderPhone: string | undefined,
  followers: Person[],
): Promise<Param> {
  const elderName = elder ? firstName(elder) : '';
  if (elderPhone) return { t: 'request.contact.elder', params: { phone: elderPhone } };
  for (const relative of followers.filter((f) => f.role === 'relative')) {
    const phone = (await deps.store.getPrivate(relative.id)).phone;
    if (phone)
      return {
        t: 'request.contact.relative',
        params: { phone, name: firstName(relative), elder: elderName },
      };
  }
  for (const mediator of await mediatorsFor(deps, r.zoneId)) {
    const phone = (await deps.store.getPrivate(mediator.id)).phone;
    if (phone) return { t: 'request.contact.mediator', params: { phone, name: firstName(mediator) } };
  }
  return { t: 'profile.none' };
}

/**
 * The winner gets the elder's first name, address, phone and note, with Done /
 * I can no longer go; the other offers are edited; the elder and relatives hear
 * who is coming. Costs one read (elder, private details, followers).
 */
async function announceAssignment(
  deps: AppDeps,
  r: HelpRequest,
  volunteer: Person,
  awake = false,
): Promise<void> {
  const { elder, details, followers } = await deps.requests.elderDetails(r.elderId, r.followers);
  const replies = await assignmentCard(deps, r, elder, details, followers);
  const toVolunteer = messagesTo(volunteer, `assign.${r.id}.${r.wave}`, replies, r.urgent).map((m) => ({
    ...m,
    track: { requestId: r.id, field: 'assigned' as const, volunteerId: volunteer.id },
    about: [r.elderId],
    live: { kind: 'assignment' as const, requestId: r.id, volunteerId: volunteer.id },
    ...(awake ? { awake } : {}),
  }));
  const coming = [elder, ...followers].filter((p): p is Person => !!p);
  // The elder hears what the volunteer comes to do for her; relatives hear it with her name.
  const told = coming.flatMap((p) =>
    messagesTo(p, `req.${r.id}.${r.wave}.coming`, [
      p.id === elder?.id
        ? reply('request.coming', {
            volunteer: firstName(volunteer),
            when: whenParam(r),
            task: { t: `tasks.forYou.${r.category}` },
          })
        : reply('request.comingFor', {
            volunteer: firstName(volunteer),
            when: whenParam(r),
            task: { t: `tasks.forName.${r.category}`, params: { name: elder ? firstName(elder) : '' } },
          }),
    ]).map((m) => ({ ...m, about: [volunteer.id] })),
  );
  await deps.outbox.enqueue([...toVolunteer, ...editOffers(deps, r, volunteer.id, 'request.taken'), ...told]);
}

/** The assigned volunteer's card: the elder's first name, address, someone to call and the note, with Done / I can no longer go. */
async function assignmentCard(
  deps: AppDeps,
  r: HelpRequest,
  elder: Person | null,
  details: PrivateDetails,
  followers: Person[],
): Promise<Reply[]> {
  const none = { t: 'profile.none' };
  const card = reply(
    'request.assigned',
    {
      name: elder ? firstName(elder) : '',
      address: details.address ?? none,
      phone: await taskContact(deps, r, elder, details.phone, followers),
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
  return r.note?.voiceFileId
    ? [card, reply('request.voiceCaption', undefined, { voice: r.note.voiceFileId })]
    : [card];
}

/**
 * Messages that were parked (held outside WhatsApp's window) made ready to go: those about someone
 * who is gone are dropped, and an assignment card is read again, only while the request is still
 * assigned to that volunteer.
 */
export async function liveAgain(deps: AppDeps, messages: OutboundMessage[]): Promise<OutboundMessage[]> {
  const aboutIds = [...new Set(messages.flatMap((m) => m.about ?? []))];
  const living = new Set((await deps.store.getPeople(aboutIds)).map((p) => p.id));
  const out: OutboundMessage[] = [];
  for (const m of messages) {
    if ((m.about ?? []).some((id) => !living.has(id))) continue;
    if (!m.live) {
      out.push(m);
      continue;
    }
    const r = await deps.requests.getRequest(m.live.requestId);
    if (!r || r.state !== 'assigned' || r.assignedTo !== m.live.volunteerId) continue;
    const { elder, details, followers } = await deps.requests.elderDetails(r.elderId, r.followers);
    out.push({ ...m, replies: await assignmentCard(deps, r, elder, details, followers) });
  }
  return out;
}

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

/** Strips the elder's details from the volunteer's task message: they keep nothing once it ends. */
export function stripAssigned(
  deps: AppDeps,
  r: HelpRequest,
  volunteerId: string,
  text: string,
): OutboundMessage[] {
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

/**
 * "Nobody came" on the confirmation: the request opens again without that
 * volunteer, the zone's mediator is alerted, and new offers go out.
 */
export async function nobodyCame(turn: Turn, requestId: string): Promise<void> {
  const { deps, now, person } = turn;
  const r = await deps.requests.getRequest(requestId);
  if (!r || (r.elderId !== person.id && !r.followers.includes(person.id))) {
    turn.say(reply('errors.notAllowed'));
    return;
  }
  const before =
    r.state === 'done' && r.assignedTo
      ? await deps.requests.reopen(r, r.assignedTo).catch((err) => {
          if (err instanceof RequestChangedError) return null;
          throw err;
        })
      : null;
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
  const recorded = await deps.requests.recordWellbeing(r, turn.person.id, worried).catch((err) => {
    if (err instanceof RequestChangedError) return null;
    throw err;
  });
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
      await deps.store.savePerson({ ...elder, helpedBy: elder.helpedBy.filter((id) => id !== volunteer.id) });
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
