/** The messages of an assignment: the volunteer's card (read again when a held one goes out), and the edits of offers and task cards. */
import { firstName, type Person, type PrivateDetails } from '../../domain/person.js';
import type { HelpRequest } from '../../domain/request.js';
import { actionData } from '../../flows/button-data.js';
import { reply, type Param, type Reply } from '../../flows/types.js';
import { parseMessageRef, type OutboundMessage } from '../../core/outbound.js';
import type { AppDeps } from '../common/deps.js';
import { mediatorsFor, messagesTo } from '../common/notify.js';
import { whenParam } from './request-text.js';

/** How many recent tasks (or helpers) a profile keeps. */
export const recentKept = 20;

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
export async function announceAssignment(
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

/** A parked assignment card read again: only while the request is still assigned to that volunteer. */
export async function assignmentAgain(
  deps: AppDeps,
  m: OutboundMessage,
  live: { requestId: string; volunteerId: string },
): Promise<OutboundMessage | null> {
  const r = await deps.requests.getRequest(live.requestId);
  if (!r || r.state !== 'assigned' || r.assignedTo !== live.volunteerId) return null;
  const { elder, details, followers } = await deps.requests.elderDetails(r.elderId, r.followers);
  return { ...m, replies: await assignmentCard(deps, r, elder, details, followers) };
}

/**
 * Strips the elder's details from the volunteer's task message and deletes the elder's voice note
 * sent with it: they keep nothing once it ends. WhatsApp can do neither: there the text asks them to
 * delete the message, and the voice note too.
 */
export function stripAssigned(
  deps: AppDeps,
  r: HelpRequest,
  volunteerId: string,
  text: string,
): OutboundMessage[] {
  if (!r.assignedMsg) return [];
  const id = `strip.${r.id}.${r.wave}.${volunteerId}`;
  const lang = deps.network.defaultLanguage;
  const strip = editOf(r.assignedMsg, volunteerId, id, lang, [reply(text)]);
  if (r.note?.voiceFileId && strip.to.channel === 'whatsapp')
    strip.replies.push(reply('request.voiceNoteToo'));
  const voice = r.assignedVoiceMsg
    ? [
        {
          ...editOf(r.assignedVoiceMsg, volunteerId, `${id}.voice`, strip.lang, [
            reply('request.voiceCaption'),
          ]),
          remove: true,
        },
      ]
    : [];
  return [strip, ...voice];
}
