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
  'today',
  'elders',
  'pending',
  'volunteers',
  'alerts',
  'broadcast',
  'figures',
  'mydata',
  'forget',
  'cancel',
] as const;

export type CommandName = (typeof commands)[number];

const everyone: CommandName[] = ['start', 'help', 'profile', 'language', 'mydata', 'forget', 'cancel'];

/** The commands a person's menu shows for their role (a newcomer sees the ones that work before onboarding). */
export function commandsFor(role: string | undefined, onboarded: boolean): CommandName[] {
  if (!onboarded) return ['start', 'help', 'mydata', 'forget', 'cancel'];
  const own: Record<string, CommandName[]> = {
    elder: ['request', 'requests', 'invite', 'pause'],
    relative: ['elders', 'request', 'requests'],
    volunteer: ['requests', 'available', 'away'],
    mediator: [
      'alerts',
      'today',
      'elders',
      'pending',
      'volunteers',
      'broadcast',
      'figures',
      'request',
      'requests',
    ],
  };
  const mine = new Set([...everyone, ...(own[role ?? ''] ?? [])]);
  return commands.filter((c) => mine.has(c));
}
