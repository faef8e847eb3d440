import type { ChannelRef, Person, PrivateDetails, Role, VolunteerStatus } from './domain/person.js';
import type { Invite } from './domain/invite.js';
import type { Reply } from './flows/types.js';

/** A conversation in progress: which flow, which step, what was collected. */
export interface FlowState {
  flow: string;
  step: string;
  data: Record<string, unknown>;
  /** Optimistic concurrency: the version read; 0 when there was none. */
  version: number;
}

export interface RelativeLink {
  elderId: string;
  relativeId: string;
  status: 'pending' | 'confirmed';
  createdAt: string;
  confirmedAt?: string;
}

export interface Store {
  findPersonByChannel(ref: ChannelRef): Promise<Person | null>;
  /** Creates the person and claims the channel identity; IdentityTakenError if another person holds it. */
  createPerson(person: Person, ref: ChannelRef): Promise<void>;
  getPerson(id: string): Promise<Person | null>;
  getPeople(ids: string[]): Promise<Person[]>;
  savePerson(person: Person): Promise<void>;
  getPrivate(personId: string): Promise<PrivateDetails>;
  savePrivate(personId: string, details: PrivateDetails): Promise<void>;
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

  createInvite(invite: Invite): Promise<void>;
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

  /** Records a channel update id; false if it was already recorded (a duplicate delivery). */
  markProcessed(channel: string, updateId: string, now: Date, ttlSeconds: number): Promise<boolean>;
  /** Forgets a recorded update id so a failed update can be delivered again. */
  unmarkProcessed(channel: string, updateId: string): Promise<void>;

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
}
