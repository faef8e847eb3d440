export const alertKinds = [
  'missedCheckIn',
  'needsHelp',
  'unreachable',
  'undeliverable',
  'unassignedRequest',
  'urgentRequest',
  'worried',
  'nobodyCame',
] as const;
export type AlertKind = (typeof alertKinds)[number];

export type AlertState = 'open' | 'acknowledged' | 'resolved';

/** Something a mediator must look at: open → acknowledged → resolved, with who and when. */
export interface Alert {
  id: string;
  kind: AlertKind;
  state: AlertState;
  zoneId: string;
  /** The person the alert is about (an elder, or whoever could not be reached). */
  personId: string;
  createdAt: string;
  /** Check-in alerts: the local date of the check-in. */
  localDate?: string;
  /** Request alerts: the request. */
  requestId?: string;
  ackBy?: string;
  ackAt?: string;
  resolvedBy?: string;
  resolvedAt?: string;
  /** Mediators told so far, so an answer reaches each of them. */
  notified: string[];
  /** Where each card went, to edit it later: "<mediator id> <round> <chat:message>" (see `cardRef`). */
  cards?: string[];
}

/** A card sent in a round (0 the first, then each escalation) to a mediator, where it landed. */
export interface CardRef {
  mediatorId: string;
  round: number;
  ref: string;
}

export const cardRef = {
  format: (c: CardRef): string => `${c.mediatorId} ${c.round} ${c.ref}`,
  /**
   * The newest card each mediator holds: of the highest round, and of one round in one chat the
   * later message (a card she opened again from a digest). Entries come in any order (a set).
   */
  latest(cards: readonly string[] | undefined): CardRef[] {
    const byMediator = new Map<string, CardRef>();
    for (const entry of cards ?? []) {
      const [mediatorId, round, ref] = entry.split(' ');
      if (!mediatorId || !ref || !/^\d+$/.test(round ?? '')) continue;
      const card = { mediatorId, round: Number(round), ref };
      const held = byMediator.get(mediatorId);
      if (!held || held.round < card.round || (held.round === card.round && laterInChat(held.ref, card.ref)))
        byMediator.set(mediatorId, card);
    }
    return [...byMediator.values()];
  },
};

/** Whether `ref` is a later message than `held` in the same chat ("<chat>:<message id>"). */
function laterInChat(held: string, ref: string): boolean {
  const a = held.lastIndexOf(':');
  const b = ref.lastIndexOf(':');
  return held.slice(0, a) === ref.slice(0, b) && Number(ref.slice(b + 1)) > Number(held.slice(a + 1));
}

/** Deterministic ids: raising the same alert twice keeps one. */
export const alertIds = {
  missedCheckIn: (elderId: string, localDate: string) => `m.${elderId}.${localDate}`,
  needsHelp: (elderId: string, key: string) => `h.${elderId}.${key}`,
  unreachable: (personId: string, key: string) => `u.${personId}.${key}`,
  undeliverable: (messageId: string) => `d.${messageId}`,
  unassignedRequest: (requestId: string, round: number) => `q.${requestId}.${round}`,
  urgentRequest: (requestId: string) => `g.${requestId}`,
  worried: (requestId: string) => `w.${requestId}`,
  nobodyCame: (requestId: string, wave: number) => `n.${requestId}.${wave}`,
};

export type CheckInState = 'prompted' | 'fine' | 'help' | 'heard';

/** One elder's check-in of one local day. */
export interface CheckIn {
  elderId: string;
  localDate: string;
  /** The elder's zone when prompted: where the check-in counts in the weekly figures. */
  zoneId?: string;
  state: CheckInState;
  promptedAt: string;
  /** When the sender was done with the prompt (sent, held or given up): the ladder's rungs count from here. */
  sentAt?: string;
  answeredAt?: string;
  answeredBy?: string;
  /** Rungs of the ladder already climbed. */
  rungsDone: string[];
  /** Relatives and mediators told that the check-in was missed: told again when all is well. */
  alerted: string[];
  alertId?: string;
  /** The newest thing the elder sent that was not an answer: a sign of life to pass on. */
  wrote?: SignOfLife;
}

/** Something an elder sent during an open check-in that was not an answer. */
export interface SignOfLife {
  at: string;
  kind: 'text' | 'voice' | 'other';
  text?: string;
  /** The channel's own file id of a voice note. */
  voice?: string;
}

/** The elder did not answer this check-in: nobody did, or the ladder reached the mediator before someone heard from them. */
export function wasMissed(c: CheckIn): boolean {
  if (c.answeredBy === c.elderId) return false;
  return c.state === 'prompted' || c.rungsDone.includes('zoneMediator');
}

/**
 * Check-ins missed in a row up to `localDate` (counted as missed itself),
 * from the elder's newest check-ins, newest first.
 */
export function missedStreak(recent: readonly CheckIn[], localDate: string): number {
  let streak = 1;
  for (const c of recent) {
    if (c.localDate >= localDate) continue;
    if (!wasMissed(c)) break;
    streak += 1;
  }
  return streak;
}

/** The newest check-in the elder answered herself, if any. */
export function lastAnswer(recent: readonly CheckIn[]): CheckIn | undefined {
  return recent.find((c) => c.answeredBy === c.elderId && c.answeredAt);
}
