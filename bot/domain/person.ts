import { foldName } from './network.js';

/** Roles a person can hold in a network; one per person. */
export const roles = ['elder', 'relative', 'volunteer', 'mediator'] as const;
export type Role = (typeof roles)[number];

export const volunteerStatuses = ['pending', 'approved', 'rejected', 'suspended'] as const;
export type VolunteerStatus = (typeof volunteerStatuses)[number];

export const categories = [
  'shopping',
  'pharmacy',
  'company',
  'escort',
  'paperwork',
  'repairs',
  'other',
] as const;
export type Category = (typeof categories)[number];

export const weekdays = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof weekdays)[number];

export const dayParts = ['morning', 'afternoon', 'evening'] as const;
export type DayPart = (typeof dayParts)[number];

export const channels = ['telegram', 'whatsapp'] as const;
export type Channel = (typeof channels)[number];

/** Where a person is reached: the channel and the chat (Telegram) or number (WhatsApp). */
export interface ChannelRef {
  channel: Channel;
  id: string;
}

/** A shared location, or the centre of the chosen neighbourhood. */
export interface Place {
  zoneId: string;
  neighbourhoodId: string;
  lat: number;
  lon: number;
  source: 'neighbourhood' | 'location';
}

export interface VolunteerProfile {
  status: VolunteerStatus;
  radiusKm: number;
  categories: Category[];
  days: Weekday[];
  dayParts: DayPart[];
  languages: string[];
  /** Off with /away, on with /available; absent means available. */
  available?: boolean;
  /** When they were assigned tasks (ISO), the last few: fairness counts the last 7 days. */
  recentTasks?: string[];
  decidedBy?: string;
  decidedAt?: string;
}

/**
 * Everything about a person except the private details (address, phone),
 * which live in a separate item and are read only where they are needed.
 */
export interface Person {
  id: string;
  lang: string;
  createdAt: string;
  channels: ChannelRef[];
  /** Set when onboarding finished; until then the person only exists for the conversation. */
  onboardedAt?: string;
  role?: Role;
  name?: string;
  zoneId?: string;
  place?: Place;
  /** Elder: local "HH:MM" of the daily check-in, or null for none. */
  checkInTime?: string | null;
  /** Elder: weekdays of the check-in; all when absent. */
  checkInDays?: Weekday[];
  /** Elder: planned absences (local dates, inclusive) that pause check-ins. */
  absences?: { from: string; to: string }[];
  /** Elder: volunteers who helped before (continuity). */
  helpedBy?: string[];
  /** When a channel last said this person cannot be reached (blocked the bot…); cleared when they write again. */
  unreachableAt?: string;
  volunteer?: VolunteerProfile;
  consentAt?: string;
  /** Tapped "Stop these messages" under a mediator's broadcast: no broadcast reaches them until they turn it back on. */
  broadcastsOff?: boolean;
  /** Mediator: also the network's admin (granted by the admin CLI): may broadcast to every zone. */
  networkAdmin?: boolean;
}

export interface PrivateDetails {
  address?: string;
  phone?: string;
}

export const limits = {
  nameMax: 60,
  addressMax: 200,
  phoneMax: 20,
} as const;

/** First name only, for messages to other people. */
export function firstName(person: Pick<Person, 'name'>): string {
  return (person.name ?? '').trim().split(/\s+/)[0] ?? '';
}

/**
 * Cleans a typed name: drops invisible format characters (bidi overrides, zero-width
 * characters, BOM: Unicode category Cf), collapses whitespace, capitalises it; null when
 * empty, too long or not a name.
 */
export function cleanName(text: string): string | null {
  const name = text
    .replace(/\p{Cf}/gu, '')
    .replace(/\s+/g, ' ')
    .trim();
  if (name.length < 1 || name.length > limits.nameMax) return null;
  if (name.startsWith('/')) return null;
  if (!/\p{L}/u.test(name)) return null;
  return name.split(' ').map(capitalise).join(' ');
}

/**
 * Whether a cleaned name imitates the service or a role (the network file's `reservedNames`),
 * compared without case, accents, punctuation or spaces: a one-word entry when it is the
 * whole name ("Admin", "a.d.m.i.n"), a longer one wherever it stands ("Vicini – Servizi
 * Sociali (ufficiale)"). A one-word entry inside a longer name is a surname ("Maria Vicini").
 */
export function isReservedName(name: string, reserved: readonly string[]): boolean {
  const compact = (text: string) => foldName(text).replace(/ /g, '');
  const typed = compact(name);
  return reserved.some((entry) => {
    const word = compact(entry);
    if (!word) return false;
    return foldName(entry).includes(' ') ? typed.includes(word) : typed === word;
  });
}

/**
 * A word typed all in lower or all in upper case gets a capital at its start
 * and after an apostrophe or hyphen ("lucia" → "Lucia", "d'amico" →
 * "D'Amico", "ROSSI" → "Rossi"); a word with its own capitals ("McKay") is kept.
 */
function capitalise(word: string): string {
  const lower = word.toLocaleLowerCase();
  const upper = word.toLocaleUpperCase();
  if (word !== lower && word !== upper) return word;
  if (lower === upper) return word;
  return lower.replace(
    /(^|['’-])(\p{L})/gu,
    (_, before: string, letter: string) => before + letter.toLocaleUpperCase(),
  );
}

/** Accepts Italian and international phone numbers as typed or shared; returns digits with a leading +, or null. */
export function cleanPhone(text: string): string | null {
  const compact = text.replace(/[\s().-]/g, '');
  if (!/^\+?\d{6,15}$/.test(compact)) return null;
  if (compact.startsWith('+')) return compact;
  if (compact.startsWith('00')) return `+${compact.slice(2)}`;
  return compact.startsWith('3') || compact.startsWith('0') ? `+39${compact}` : `+${compact}`;
}

/** Categories where a volunteer goes to the elder's door (paperwork can be done by phone or in an office). */
export function needsVisit(category: Category): boolean {
  return category !== 'paperwork';
}

export function cleanAddress(text: string): string | null {
  const address = text.replace(/\s+/g, ' ').trim();
  if (address.length < 3 || address.length > limits.addressMax) return null;
  return address;
}

/** A volunteer receives offers and personal data only when approved. */
export function isActiveVolunteer(person: Person): boolean {
  return person.role === 'volunteer' && person.volunteer?.status === 'approved';
}
