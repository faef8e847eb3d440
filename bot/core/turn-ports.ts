import type { Person, PrivateDetails } from '../domain/person.js';
import type { CheckIn } from '../domain/alert.js';
import type { HelpRequest } from '../domain/request.js';
import type { FigureAdd } from '../domain/figures.js';
import type { OutboundMessage } from './outbound.js';

// A conversation turn's ports: what it reads, what it commits in its one transaction. Re-exported
// by ports.ts, where the Store that reads and commits them lives.

/** A conversation in progress: which flow, which step, what was collected. */
export interface FlowState {
  flow: string;
  step: string;
  data: Record<string, unknown>;
  /** Optimistic concurrency: the version read; 0 when there was none. */
  version: number;
}

/** Which update a turn answers: its channel and the channel's id for it (Telegram update_id, WhatsApp wamid). */
export interface TurnKey {
  channel: string;
  updateId: string;
}

/** What a committed turn sent: replayed (same message ids) when the update comes again. */
export interface TurnRecord {
  lang: string;
  outbound: OutboundMessage[];
}

/** A turn's first reads: at most two calls (identity and marker; then person, flow and record). */
export interface TurnReads {
  person: Person | null;
  flow: FlowState | null;
  /** Set when this update was committed before: send these again, decide nothing. */
  record: TurnRecord | null;
  /** The presser's check-ins on the local dates asked for (an elder's answer needs no other read). */
  checkIns?: CheckIn[];
  /** The request a press names (Accept), with its elder, read with the turn; when asked for. */
  request?: RequestRead;
}

/** A request read with the turn, with what its volunteer's card needs: the elder, her details, her followers. */
export interface RequestRead {
  /** The id the press named. */
  id: string;
  /** Null when there is no such request (or it has expired). */
  request: HelpRequest | null;
  elder: Person | null;
  details: PrivateDetails;
  followers: Person[];
}

/**
 * A write a use case leaves to the turn's one commit. Its condition is part of the
 * transaction: if it fails, nothing of the turn is written and the turn runs again
 * from fresh reads (`TurnWriteConflictError`).
 */
export type TurnWrite =
  | {
      kind: 'closeCheckIn';
      elderId: string;
      localDate: string;
      state: 'fine' | 'help' | 'heard';
      by: string;
      at: Date;
    }
  | { kind: 'count'; event: FigureEvent }
  /** An elder's "not family": the link, both ways, on the condition that it still waits for her. */
  | { kind: 'declineLink'; elderId: string; relativeId: string }
  /** A volunteer's accept: the request theirs, on the condition that it is still open to them. */
  | { kind: 'accept'; requestId: string; volunteerId: string; at: Date }
  /** The volunteer's recent tasks (fairness), on the condition that they are as read and she is approved. */
  | { kind: 'recentTasks'; volunteerId: string; read: string[]; recent: string[] }
  /** One of a person's private details (address, phone) set, or removed when `value` is undefined. */
  | { kind: 'private'; personId: string; field: 'address' | 'phone'; value: string | undefined };

/** The one write of a turn. */
export interface TurnCommit {
  key: TurnKey;
  /** The presser; null when the turn erased them (only a marker without content is kept). */
  personId: string | null;
  /** The flow as the turn leaves it, written only if still at the version read. */
  flow?: { state: Omit<FlowState, 'version'> | null; readVersion: number };
  record: TurnRecord;
  /** What the use cases changed, made in the same transaction. */
  writes?: TurnWrite[];
  now: Date;
  ttlSeconds: number;
  /**
   * Messages this process sends as soon as the turn is committed (the presser's answers): their
   * delivery-log records are written in the commit, claimed for this long, so the send needs no
   * claim of its own.
   */
  claims?: { ids: string[]; leaseSeconds: number };
}

/** One thing that happened, for the weekly figures: counted once per `id` however often it is reported. */
export interface FigureEvent {
  /** Names the event (e.g. `ack.<alert id>`): a repeat (a re-run, a timer firing twice) adds nothing. */
  id: string;
  /** Where it counts: the zone's item and the network's of that week (or of people by role). */
  writes: { zoneId: string; week: string | 'people'; add: FigureAdd }[];
}
