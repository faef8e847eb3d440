/** What a channel hands the app for one update, and what the app answers. */
import type { ChannelRef, Person } from '../domain/person.js';
import type { Hints } from '../flows/draft.js';
import type { Inbound, Reply } from '../flows/types.js';

export interface InboundMessage {
  ref: ChannelRef;
  hints: Hints;
  input: Inbound;
}

export interface Answered {
  /** The language to render the replies in. */
  lang: string;
  replies: Reply[];
  /** The person the replies are for, or null when they were just erased. */
  person: Person | null;
}

/** Commands every channel offers; each one's description is `commands.<name>` in the locales. */
export const commands = [
  'start',
  'help',
  'profile',
  'language',
  'invite',
  'request',
  'requests',
  'available',
  'away',
  'pause',
  'elders',
  'pending',
  'alerts',
  'mydata',
  'forget',
  'cancel',
] as const;
