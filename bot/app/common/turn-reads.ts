import type { Person } from '../../domain/person.js';
import { localDate } from '../../domain/schedule.js';
import { IdentityTakenError } from '../../core/errors.js';
import { isLang } from '../../core/i18n.js';
import type { InboundMessage } from '../../core/inbound.js';
import type { AppDeps } from './deps.js';

// What a turn needs before it decides, besides its two reads: the person on first contact, the check-in dates.

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
