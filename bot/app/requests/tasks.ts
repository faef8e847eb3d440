/** What volunteers and mediators do with an offer or a task: accept, decline, done, release, confirm, assign. */
import { alertIds } from '../../domain/alert.js';
import { firstName, type Person } from '../../domain/person.js';
import type { HelpRequest } from '../../domain/request.js';
import { OfferTakenError, RequestChangedError } from '../../core/errors.js';
import { actionData } from '../../flows/button-data.js';
import { reply, type Reply } from '../../flows/types.js';
import { parseMessageRef, type OutboundMessage } from '../../core/outbound.js';
import { mediatorMayAct, raiseAlert } from '../alerts/alerts.js';
import type { AppDeps } from '../common/deps.js';
import { messagesTo } from '../common/notify.js';
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
    r && volunteer && volunteer.volunteer?.status === 'approved' && (await mediatorMayAct(deps, person, r));
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
