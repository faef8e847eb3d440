import { invitePayload } from '../../domain/invite.js';
import { firstName, type Person } from '../../domain/person.js';
import { LinkUnavailableError } from '../../core/errors.js';
import { actionData } from '../../flows/button-data.js';
import { reply, type Reply } from '../../flows/types.js';
import type { RelativeLink } from '../../core/ports.js';
import { localDate } from '../../domain/schedule.js';
import { scheduleSummary } from '../conversation/profile.js';
import type { Turn } from '../common/turn.js';
import { messagesTo } from '../common/notify.js';

/** An elder asks for a link to send to a family member: single use, expiring. */
export async function createRelativeInvite(turn: Turn): Promise<void> {
  const { person, deps } = turn;
  if (person.role !== 'elder' || !person.onboardedAt) {
    turn.say(reply('errors.eldersOnly'));
    return;
  }
  const hours = deps.network.invites.relativeHours;
  // Once per update: a re-run of this turn (after a fault) shows the same link, not a second one.
  const invite = await deps.store.createInvite(
    {
      code: deps.ids.inviteCode(),
      kind: 'relative',
      elderId: person.id,
      createdAt: turn.now.toISOString(),
      expiresAt: new Date(turn.now.getTime() + hours * 3600_000).toISOString(),
    },
    turn.key,
  );
  const payload = invitePayload(invite);
  turn.say(
    reply(
      'link.inviteCreated',
      { link: { deepLink: payload }, hours },
      { buttons: [[{ label: 'buttons.shareInvite', share: { payload, text: 'link.shareText' } }]] },
    ),
  );
}

/** A relative used an elder's link: the elder is asked to confirm. */
export async function requestLink(turn: Turn, elderId: string): Promise<void> {
  const { person: relative, deps } = turn;
  const elder = await deps.store.getPerson(elderId);
  if (!elder?.onboardedAt || elder.role !== 'elder') {
    turn.say(reply('invite.unavailable'));
    return;
  }
  const existing = await deps.store.getLink(elderId, relative.id);
  if (existing?.status === 'confirmed') {
    turn.say(reply('link.alreadyLinked', { elder: firstName(elder) }));
    return;
  }
  await deps.store.putLink({
    elderId,
    relativeId: relative.id,
    status: 'pending',
    createdAt: turn.now.toISOString(),
  });
  turn.say(reply('link.requested', { elder: firstName(elder) }));
  await deps.messenger.send(elder, [
    reply(
      'link.request',
      { relative: relative.name ?? '' },
      {
        buttons: [
          [{ label: 'buttons.confirmLink', data: actionData('lc', relative.id) }],
          [{ label: 'buttons.declineLink', data: actionData('ld', relative.id) }],
        ],
      },
    ),
  ]);
}

/** Confirm or Decline pressed by the elder: only the elder of a pending link may decide. */
export async function decideLink(turn: Turn, relativeId: string, confirm: boolean): Promise<void> {
  const { person: elder, deps } = turn;
  const link = elder.role === 'elder' ? await deps.store.getLink(elder.id, relativeId) : null;
  if (!link) {
    turn.say(reply('errors.notAllowed'));
    return;
  }
  const relative = await deps.store.getPerson(relativeId);
  // The relative hears of the confirmation once, under an id its time names, whatever turn sends it.
  const tellConfirmed = (at: string, to: Person) =>
    deps.outbox.enqueue(
      messagesTo(to, `link.${elder.id}.${relativeId}.${at}`, [
        reply('link.confirmedRelative', { elder: firstName(elder) }),
      ]),
    );
  if (link.status !== 'pending' || !relative) {
    // Confirmed already: a re-run of this turn after a fault (its notice never went out), or a
    // second press; the notice is sent again, and goes once.
    if (confirm && relative && link.status === 'confirmed' && link.confirmedAt)
      await tellConfirmed(link.confirmedAt, relative);
    turn.say(reply('link.alreadyDecided', undefined, { edit: true }));
    return;
  }
  if (confirm) {
    try {
      await deps.store.confirmLink(elder.id, relativeId, turn.now);
    } catch (err) {
      if (!(err instanceof LinkUnavailableError)) throw err;
      turn.say(reply('link.alreadyDecided', undefined, { edit: true }));
      return;
    }
    turn.say(reply('link.confirmedElder', { relative: relative.name ?? '' }, { edit: true }));
    await tellConfirmed(turn.now.toISOString(), relative);
  } else {
    // In the commit, with the relative's notice: a fault before it leaves the link waiting, to decide again.
    turn.write({ kind: 'declineLink', elderId: elder.id, relativeId });
    turn.say(reply('link.declinedElder', { relative: relative.name ?? '' }, { edit: true }));
    await deps.messenger.send(relative, [reply('link.declinedRelative', { elder: firstName(elder) })]);
  }
}

/** A relative with no confirmed link: waiting for an elder's yes, or with no link at all yet. */
export async function noEldersYet(turn: Turn, links: RelativeLink[]): Promise<Reply> {
  const pending = links.filter((l) => l.status === 'pending');
  if (!pending.length) return reply('link.noElders');
  const elders = await turn.deps.store.getPeople(pending.map((l) => l.elderId));
  return reply('link.waiting', { elder: { list: elders.map((e) => firstName(e)) } });
}

/** `/elders`: a relative's linked elders, each with today's check-in and a settings button. */
export async function listElders(turn: Turn): Promise<void> {
  const { person, deps } = turn;
  if (person.role !== 'relative') {
    turn.say(reply('errors.relativesOnly'));
    return;
  }
  const all = await deps.store.listElders(person.id);
  const links = all.filter((l) => l.status === 'confirmed');
  if (!links.length) {
    turn.say(await noEldersYet(turn, all));
    return;
  }
  for (const elder of await deps.store.getPeople(links.map((l) => l.elderId))) {
    const latest = await deps.checkIns.latestCheckIn(elder.id);
    const today = localDate(turn.now, deps.network.timeZone);
    const state =
      latest?.localDate === today ? { t: `checkin.state.${latest.state}` } : { t: 'checkin.state.none' };
    turn.say(
      reply(
        'link.elderStatus',
        { name: elder.name ?? '', today: state, summary: scheduleSummary(elder) },
        { buttons: [[{ label: 'buttons.checkInSettings', data: actionData('cs', elder.id) }]] },
      ),
    );
  }
}
