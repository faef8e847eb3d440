import type { Category, DayPart, Place, Role, Weekday } from '../domain/person.js';
import type { InviteKind } from '../domain/invite.js';
import type { WhenKind } from '../domain/request.js';

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
  /** Whose schedule or request it is, when not the presser's own (a relative or mediator acting for an elder). */
  subjectId?: string;
  subjectName?: string;
  /** The elder asks for herself: the questions speak to her ("What do you need?"). */
  forSelf?: boolean;
  /** A relative with several elders picks one. */
  elderChoices?: { id: string; name: string; noAddress?: boolean }[];
  category?: Category;
  whenKind?: WhenKind;
  whenDate?: string;
  whenPart?: DayPart;
  note?: { text?: string; voiceFileId?: string };
  urgent?: boolean;
  /** The elder has no address on file: a request that needs a visit asks for one. */
  askAddress?: boolean;
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
