import type { ChannelRef, Person, PrivateDetails, Role, VolunteerStatus } from '../domain/person.js';
import type { Invite } from '../domain/invite.js';
import type { Alert, CheckIn, SignOfLife } from '../domain/alert.js';
import type { Timer } from '../domain/timer.js';
import type { HelpRequest } from '../domain/request.js';
import type { CellQuery } from '../domain/cells.js';
import type { RoleCounts, WeekCounters } from '../domain/figures.js';
import type { Reply } from '../flows/types.js';
import type { ClaimedTimer } from './timer-ports.js';
import type { FigureEvent, FlowState, TurnCommit, TurnKey, TurnReads, TurnRecord } from './turn-ports.js';

// The tick's ports (timers, its fanned-out work) live in timer-ports.ts; re-exported for the use cases.
export type * from './timer-ports.js';
// A turn's reads and its commit live in turn-ports.ts; re-exported too.
export type * from './turn-ports.js';

export interface RelativeLink {
  elderId: string;
  relativeId: string;
  status: 'pending' | 'confirmed';
  createdAt: string;
  confirmedAt?: string;
}

/** Who a mediator's broadcast goes to: the zone's elders, their relatives, its approved volunteers, or all three. */
export const audiences = ['elders', 'relatives', 'volunteers', 'everyone'] as const;
export type Audience = (typeof audiences)[number];

/** How a broadcast's messages ended, as the senders report them. */
export const broadcastOutcomes = ['delivered', 'held', 'failed', 'unreachable'] as const;
export type BroadcastOutcome = (typeof broadcastOutcomes)[number];

/** A mediator's broadcast, kept in her partition until its delivery report is out (and a while after). */
export interface Broadcast {
  id: string;
  /** The mediator who sent it (the partition it lives in). */
  by: string;
  /** Its zone, or `*` when a network admin wrote to every zone. */
  zoneId: string;
  audience: Audience;
  /** A network admin's broadcast to every zone of the network. */
  allZones?: boolean;
  createdAt: string;
  /** Messages enqueued (one per recipient and channel). */
  total: number;
  /** Recipients left out because their channel said they cannot be reached: counted as unreachable. */
  skipped: number;
  /** Messages waiting for quiet hours to end when it was sent. */
  waiting: number;
  /** Per outcome, how many messages ended so (each counted once, however often it is reported). */
  counts: Record<BroadcastOutcome, number>;
  /** When the final report went to the mediator. */
  reportedAt?: string;
}

export interface Store {
  /**
   * The turn's reads in two calls: identity (and the update's marker, and the request `requestId`
   * names), then profile, flow, record, the check-ins of `checkInDates` (and the request's elder,
   * her private details and followers).
   */
  readTurn(
    ref: ChannelRef,
    key: TurnKey | null,
    now: Date,
    checkInDates?: string[],
    requestId?: string,
  ): Promise<TurnReads>;
  /**
   * One transaction: the turn record (the update is now processed) and the flow
   * state. TurnRecordedError if this update was committed already,
   * FlowConflictError if the flow moved since it was read.
   */
  commitTurn(commit: TurnCommit): Promise<void>;
  /**
   * Once the outbox holds a turn's messages to others, its record keeps only the
   * presser's own replies: nothing about another person outlives their erasure there.
   */
  settleTurn(personId: string, key: TurnKey, record: TurnRecord): Promise<void>;
  /** Whether this update's turn of this person is committed (its record or marker is there). */
  turnCommitted(personId: string, key: TurnKey): Promise<boolean>;

  findPersonByChannel(ref: ChannelRef): Promise<Person | null>;
  /** Creates the person and claims the channel identity; IdentityTakenError if another person holds it. */
  createPerson(person: Person, ref: ChannelRef): Promise<void>;
  getPerson(id: string): Promise<Person | null>;
  getPeople(ids: string[]): Promise<Person[]>;
  /**
   * Writes what changed since `read` (the profile as the caller read it), attribute by attribute,
   * so a concurrent change to anything else survives; PersonChangedError if what the index keys
   * derive from moved meanwhile. With `read` null the profile is written whole.
   */
  savePerson(person: Person, read: Person | null): Promise<void>;
  getPrivate(personId: string): Promise<PrivateDetails>;
  /** People with their private details, in batched reads (never one call per person); the ones not found are left out. */
  getPeopleWithPrivate(ids: string[]): Promise<{ person: Person; details: PrivateDetails }[]>;
  savePrivate(personId: string, details: PrivateDetails): Promise<void>;
  /** Sets (or, with no value, removes) one of the private details, without reading the others. */
  setPrivate(personId: string, field: keyof PrivateDetails, value: string | undefined): Promise<void>;
  listPeople(zoneId: string, role: Role, status?: VolunteerStatus): Promise<Person[]>;
  /** Moves a pending volunteer to approved/rejected; AlreadyDecidedError if not pending any more. */
  decideVolunteer(
    volunteerId: string,
    status: 'approved' | 'rejected',
    by: string,
    at: Date,
  ): Promise<Person>;

  getFlow(personId: string, now: Date): Promise<FlowState | null>;
  /** Writes (or, with null, ends) the flow; FlowConflictError if the version moved. */
  saveFlow(
    personId: string,
    state: Omit<FlowState, 'version'> | null,
    readVersion: number,
    now: Date,
  ): Promise<void>;

  /**
   * Stores a new invite; InviteCodeTakenError if its code exists. With `once` (the update that makes
   * it), a second call for that update returns the invite the first one stored: a re-run of a turn
   * after a fault gives the same link.
   */
  createInvite(invite: Invite, once?: string): Promise<Invite>;
  getInvite(code: string): Promise<Invite | null>;
  /** Marks the invite used (not by whom); InviteUnavailableError if unknown, used, expired or of another kind. */
  claimInvite(code: string, kind: Invite['kind'], now: Date): Promise<Invite>;

  putLink(link: RelativeLink): Promise<void>;
  getLink(elderId: string, relativeId: string): Promise<RelativeLink | null>;
  /** Pending → confirmed; LinkUnavailableError otherwise. */
  confirmLink(elderId: string, relativeId: string, at: Date): Promise<void>;
  deleteLink(elderId: string, relativeId: string): Promise<void>;
  listRelatives(elderId: string): Promise<RelativeLink[]>;
  listElders(relativeId: string): Promise<RelativeLink[]>;

  /** Stores a new broadcast; one with the same id (a re-run of the same Send) is left as it is. */
  createBroadcast(broadcast: Omit<Broadcast, 'counts' | 'reportedAt'>): Promise<void>;
  /**
   * Counts one message's outcome (`message` names it: counted once however often it comes);
   * the broadcast as it now stands, or null when it is gone.
   */
  countBroadcastOutcome(
    by: string,
    broadcastId: string,
    outcome: BroadcastOutcome,
    message: string,
  ): Promise<Broadcast | null>;
  /** Marks the final report sent; false if it was already (so it goes once). */
  markBroadcastReported(by: string, broadcastId: string, at: Date): Promise<boolean>;

  /** Every stored item about this person, as stored. */
  exportPerson(personId: string): Promise<Record<string, unknown>[]>;
  /** Deletes every item about this person; returns how many. */
  erasePerson(personId: string): Promise<number>;
}

/** Sends replies to a person who is not the one being answered. */
export interface Messenger {
  send(to: Person, replies: Reply[]): Promise<void>;
}

export interface Clock {
  now(): Date;
}

export interface Ids {
  /** A new person id. */
  personId(): string;
  /** A new invite code, hard to guess. */
  inviteCode(): string;
  /** An id of the same shape as `personId`, the same for the same seed: what a re-run of a turn creates again. */
  fromSeed(seed: string): string;
}

/** What `CheckIns.openWithPrompt` writes at once. */
export interface PromptWrite {
  timer: ClaimedTimer;
  claimer: string;
  now: Date;
  leaseSeconds: number;
  checkIn: CheckIn;
  rungs: Timer[];
}

export interface CheckIns {
  getCheckIn(elderId: string, localDate: string): Promise<CheckIn | null>;
  /** The newest check-in of an elder. */
  latestCheckIn(elderId: string): Promise<CheckIn | null>;
  /** An elder's newest check-ins, newest first (one query). */
  recentCheckIns(elderId: string, limit: number): Promise<CheckIn[]>;
  /** The check-ins of many elders on one local date, read in batches (order not kept; missing ones left out). */
  checkInsOn(elderIds: string[], localDate: string): Promise<CheckIn[]>;
  /** Creates it; false if it already exists. */
  createCheckIn(checkIn: CheckIn): Promise<boolean>;
  /**
   * A prompt fired in one write: its timer claimed (as `Timers.claim` does), the day's check-in
   * created with its ladder's rungs (the figures count the wave's prompts at its end, by zone, in one
   * write: on a hot counter item the prompts' transactions would conflict). 'taken': another tick holds the timer
   * or it was rescheduled; 'exists': the day's check-in is there already (nothing written).
   */
  openWithPrompt(write: PromptWrite): Promise<'opened' | 'taken' | 'exists'>;
  /** When the sender was done with the day's prompt (sent, held or given up): the ladder counts from then. */
  markPromptSent(elderId: string, localDate: string, at: Date): Promise<void>;
  /** Adds a climbed rung and the people told (idempotent). */
  recordRung(
    elderId: string,
    localDate: string,
    rung: string,
    alerted: string[],
    alertId?: string,
  ): Promise<void>;
  /** Keeps what the elder sent while the check-in is open; false if it is not open. */
  noteSignOfLife(elderId: string, localDate: string, sign: SignOfLife): Promise<boolean>;
  /** prompted → fine/help/heard; null if it was not open. */
  closeCheckIn(
    elderId: string,
    localDate: string,
    state: 'fine' | 'help' | 'heard',
    by: string,
    at: Date,
  ): Promise<CheckIn | null>;
}

export interface Alerts {
  /** Creates the alert; an alert with the same id is returned as it is. */
  raise(alert: Alert): Promise<{ alert: Alert; created: boolean }>;
  getAlert(id: string): Promise<Alert | null>;
  addNotified(id: string, mediatorIds: string[]): Promise<void>;
  /** Remembers where a card landed (a `cardRef.format` entry), to edit it on the next change. */
  recordCard(id: string, entry: string): Promise<void>;
  /** open → acknowledged; null if it was not open. */
  acknowledge(id: string, by: string, at: Date): Promise<Alert | null>;
  /** open or acknowledged → resolved, expiring `retentionDays` later; null if already resolved. */
  resolve(id: string, by: string, at: Date, retentionDays: number): Promise<Alert | null>;
  /** A zone's alerts that are not resolved, oldest first. */
  openAlerts(zoneId: string): Promise<Alert[]>;
}

export interface Requests {
  createRequest(request: HelpRequest): Promise<void>;
  getRequest(id: string): Promise<HelpRequest | null>;
  /** An elder's requests, oldest first (the last 50). */
  requestsOf(elderId: string): Promise<HelpRequest[]>;
  openRequests(zoneId: string): Promise<HelpRequest[]>;
  /** A mediator asks one volunteer: offered to her, the round left as it is; RequestChangedError unless open. */
  offerByHand(request: HelpRequest, volunteerId: string): Promise<HelpRequest>;
  recordOffers(
    request: HelpRequest,
    volunteerIds: string[],
    wave: number,
    stage: number,
  ): Promise<HelpRequest>;
  recordMessage(
    id: string,
    field: 'offer' | 'assigned' | 'assignedVoice',
    volunteerId: string,
    ref: string,
  ): Promise<void>;
  decline(request: HelpRequest, volunteerId: string): Promise<HelpRequest>;
  /** The volunteer's word on how the elder seemed: once, on a done (or closed) task of theirs; else RequestChangedError. */
  recordWellbeing(request: HelpRequest, volunteerId: string, worried: boolean): Promise<HelpRequest>;
  /** The requests a volunteer was offered or assigned (their pointers), oldest first. */
  tasksOf(volunteerId: string): Promise<HelpRequest[]>;
  /**
   * A leaving volunteer taken out of a request (offer, exclusion, message references, assignment);
   * an assigned task of theirs is open again. RequestChangedError if it moved meanwhile.
   */
  forgetVolunteer(request: HelpRequest, volunteerId: string): Promise<HelpRequest | null>;
  release(request: HelpRequest, volunteerId: string): Promise<HelpRequest>;
  markDone(request: HelpRequest, volunteerId: string, now: Date): Promise<HelpRequest>;
  /** done → open again without that volunteer ("nobody came"); returns the request as it was before. */
  reopen(request: HelpRequest, volunteerId: string): Promise<HelpRequest>;
  close(request: HelpRequest, now: Date, retentionDays: number): Promise<HelpRequest>;
  cancel(request: HelpRequest, now: Date, retentionDays: number): Promise<HelpRequest>;
  /** Approved, available volunteers indexed in these geohash cells, and how many items were read. */
  volunteersInCells(cells: CellQuery[]): Promise<{ people: Person[]; itemsRead: number }>;
  /** The elder, their private details and the followers' profiles, in one read. */
  elderDetails(
    elderId: string,
    followerIds?: string[],
  ): Promise<{ elder: Person | null; details: PrivateDetails; followers: Person[] }>;
}

/** Counters kept as things happen (no table reads to work them out). */
export interface Figures {
  count(event: FigureEvent): Promise<void>;
  /**
   * The counters of these weeks and the people by role of these areas (zone ids, `*` for the whole
   * network), in one read; weeks keyed `<area>|<week>`.
   */
  read(
    zoneIds: string[],
    weeks: string[],
  ): Promise<{ weeks: Map<string, WeekCounters>; people: Map<string, Partial<RoleCounts>> }>;
  /** People by role of these areas as stored (a strongly consistent read, counters unclamped), for `setPeople`. */
  readPeople(areas: string[]): Promise<Map<string, Record<string, number>>>;
  /**
   * Sets people by role of these areas in one transaction, on the condition that every counter is
   * still as `read` found it; false (nothing written) when one moved meanwhile.
   */
  setPeople(
    counts: Map<string, Partial<RoleCounts>>,
    read: Map<string, Record<string, number>>,
  ): Promise<boolean>;
}

/** Turns an SVG drawing into a PNG image; null where no renderer can run (the figures go without the chart). */
export interface ChartRenderer {
  png(svg: string): Promise<Uint8Array | null>;
}
