import { firstName } from '../domain/person.js';
import { reply } from '../flows/types.js';
import { findNeighbourhood } from '../network.js';
import type { Turn } from './turn.js';

/** The elder's big "I'm fine" button outside a check-in: a warm acknowledgement. */
export function elderIsFine(turn: Turn): void {
  turn.say(reply(turn.person.role === 'elder' ? 'elder.fineThanks' : 'errors.eldersOnly'));
}

/** The elder's big "I need help" button: confirmed relatives and the zone's mediators are told at once. */
export async function elderNeedsHelp(turn: Turn): Promise<void> {
  const { person, deps } = turn;
  if (person.role !== 'elder' || !person.onboardedAt) {
    turn.say(reply('errors.eldersOnly'));
    return;
  }
  const links = (await deps.store.listRelatives(person.id)).filter((l) => l.status === 'confirmed');
  const relatives = await deps.store.getPeople(links.map((l) => l.relativeId));
  const mediators = person.zoneId ? await deps.store.listPeople(person.zoneId, 'mediator') : [];
  const hood = findNeighbourhood(deps.network, person.place?.neighbourhoodId)?.hood.name ?? '';
  for (const relative of relatives) {
    await deps.messenger.send(relative, [reply('elder.helpAlertRelative', { name: firstName(person) })]);
  }
  for (const mediator of mediators.filter((m) => m.onboardedAt)) {
    await deps.messenger.send(mediator, [
      reply('elder.helpAlertMediator', { name: person.name ?? '', hood }),
    ]);
  }
  turn.say(reply('elder.helpSent', { count: relatives.length + mediators.length }));
}
