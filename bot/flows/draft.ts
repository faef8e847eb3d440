import type { Category, DayPart, Place, Role, Weekday } from '../domain/person.js';
import type { InviteKind } from '../domain/invite.js';

/** What a conversation has collected so far; stored in the flow state. */
export interface Draft {
  lang?: string;
  role?: Role;
  name?: string;
  zoneId?: string;
  place?: Place;
  address?: string | null;
  phone?: string | null;
  checkInTime?: string | null;
  checkInDays?: Weekday[];
  absences?: { from: string; to: string }[];
  /** Pause being set up: its first day. */
  pauseFrom?: string;
  /** Whose schedule is edited, when not the presser's own (a relative or mediator editing an elder's). */
  subjectId?: string;
  radiusKm?: number;
  categories?: Category[];
  days?: Weekday[];
  dayParts?: DayPart[];
  languages?: string[];
  /** The invite this conversation started from. */
  invite?: { kind: InviteKind; code: string; zoneId?: string; elderId?: string };
}

/** What a channel knows about the person without asking (never required). */
export interface Hints {
  firstName?: string;
  languageCode?: string;
}
