import type { Person } from '../../domain/person.js';
import type { Reply } from '../../flows/types.js';
import type { OutboundMessage } from '../../core/outbound.js';
import type { AppDeps } from './deps.js';

/**
 * Messages for one person, one per channel they use. `key` names the effect
 * (the same key for the same effect), so enqueuing again sends once.
 */
export function messagesTo(
  person: Person,
  key: string,
  replies: Reply[],
  emergency = false,
): OutboundMessage[] {
  return person.channels.map((to) => ({
    id: `${key}:${person.id}:${to.channel}`,
    to,
    personId: person.id,
    lang: person.lang,
    replies,
    ...(emergency ? { emergency } : {}),
  }));
}

/** Onboarded mediators of a zone; all mediators of the network when the zone has none. */
export async function mediatorsFor(deps: AppDeps, zoneId: string | undefined): Promise<Person[]> {
  const zone = zoneId ? (await deps.store.listPeople(zoneId, 'mediator')).filter((m) => m.onboardedAt) : [];
  return zone.length ? zone : allMediators(deps);
}

export async function allMediators(deps: AppDeps): Promise<Person[]> {
  const lists = await Promise.all(deps.network.zones.map((z) => deps.store.listPeople(z.id, 'mediator')));
  return lists.flat().filter((m) => m.onboardedAt);
}

/** Confirmed relatives of an elder. */
export async function relativesOf(deps: AppDeps, elderId: string): Promise<Person[]> {
  const links = (await deps.store.listRelatives(elderId)).filter((l) => l.status === 'confirmed');
  return links.length ? deps.store.getPeople(links.map((l) => l.relativeId)) : [];
}
