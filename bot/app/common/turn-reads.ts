import type { Person } from '../../domain/person.js';
import { localDate } from '../../domain/schedule.js';
import { IdentityTakenError } from '../../core/errors.js';
import { isLang } from '../../core/i18n.js';
import type { InboundMessage } from '../../core/inbound.js';
import { parseButtonData } from '../../flows/button-data.js';
import type { Inbound } from '../../flows/types.js';
import type { AppDeps } from './deps.js';

// What a turn needs before it decides, besides its two reads: the person on first contact, the check-in
// dates, the request a press names.

/** A turn's first write on first contact: the person and their channel identity. */
export async function createPersonFor(deps: AppDeps, msg: InboundMessage): Promise<Person> {
  const lang = isLang(msg.hints.languageCode) ? msg.hints.languageCode : deps.network.defaultLanguage;
  const person: Person = {
    id: deps.ids.personId(),
    lang,
    createdAt: deps.clock.now().toISOString(),
    channels: [msg.ref],
  };
  try {
    await deps.store.createPerson(person, msg.ref);
    return person;
  } catch (err) {
    // Two first messages at once: the other one created the person.
    if (!(err instanceof IdentityTakenError)) throw err;
    const again = await deps.store.findPersonByChannel(msg.ref);
    if (!again) throw err;
    return again;
  }
}

/** The local dates whose check-ins a turn reads with the person: an elder's answer is to today's or yesterday's. */
export function checkInDates(deps: AppDeps, now: Date): string[] {
  const tz = deps.network.timeZone;
  return [localDate(now, tz), localDate(new Date(now.getTime() - 24 * 3600_000), tz)];
}

/**
 * The request a press names, read with the turn: an accept decides from it (Accept on an offer,
 * "I'll go" on a mediator's ask). Other presses read what they need as they go.
 */
export function requestNamedBy(input: Inbound): string | undefined {
  if (input.kind !== 'button') return undefined;
  const parsed = parseButtonData(input.data);
  if (parsed?.type !== 'action') return undefined;
  if (parsed.verb === 'oa') return parsed.id;
  if (parsed.verb === 'hy') return parsed.id.split('.')[0];
  return undefined;
}
